// A git repository that gitops actions read manifests from and commit fixes to, through
// libgit2. Files are read from a commit's tree and fixes are written as a new commit on a new
// branch, so the working tree and HEAD of a local repository are never touched.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

struct git_repository;

namespace rampart::remediate {

// A file in the base commit.
struct TreeFile {
  std::string path;  // relative to the repository root, '/'-separated
  std::string content;
  unsigned int mode = 0;  // git file mode, kept when the file is rewritten
};

struct CommitRequest {
  std::string branch;
  std::string message;
  std::string author_name = "Rampart";
  std::string author_email = "rampart@localhost";
  TimePoint time;
  std::map<std::string, std::string> files;  // path -> new content
};

class GitWorkspace {
 public:
  ~GitWorkspace();
  GitWorkspace(const GitWorkspace&) = delete;
  GitWorkspace& operator=(const GitWorkspace&) = delete;

  // Opens the repository at `location`: a local path, or a URL (https://, http://, ssh://,
  // file://) cloned bare into a fresh folder under `work_dir` that is removed on
  // destruction. `base` names the commit to start from ("" for HEAD, else a branch, tag or
  // commit id).
  static Result<std::unique_ptr<GitWorkspace>> Open(const std::string& location,
                                                    const std::string& work_dir,
                                                    const std::string& base);

  // Returns the YAML files (*.yaml, *.yml) of the base commit under `paths` (the whole tree
  // when empty). Paths with ".." or absolute paths are rejected, and so is a path through a
  // symbolic link that leads outside the repository root. Symbolic links met while walking
  // a folder are not followed; those leading outside are listed in `skipped`.
  Result<std::vector<TreeFile>> ListYamlFiles(const std::vector<std::string>& paths,
                                              std::vector<std::string>& skipped);

  // True when a local branch, or a branch of the cloned remote, has this name.
  bool BranchExists(const std::string& branch) const;

  // Writes the files as a commit whose parent is the base commit and creates `branch` at it.
  // Returns the new commit id. Fails with kAlreadyExists when the branch exists.
  Result<std::string> CommitOnBranch(const CommitRequest& request);

  // Pushes `branch` to `remote_url`, or to the cloned origin when empty.
  Status Push(const std::string& branch, const std::string& remote_url);

  // Deletes the local `branch`, and on `remote_url` (or the cloned origin) when `remote`.
  Status DeleteBranch(const std::string& branch, bool remote, const std::string& remote_url);

  const std::string& base_commit() const { return base_commit_; }
  bool cloned() const { return !clone_dir_.empty(); }

 private:
  GitWorkspace() = default;

  git_repository* repository_ = nullptr;
  std::string clone_dir_;
  std::string origin_url_;
  std::string base_commit_;
  std::map<std::string, unsigned int> modes_;  // file modes seen by ListYamlFiles
};

// Returns a unified diff of one file's change, with a/ and b/ path prefixes.
Result<std::string> UnifiedDiff(const std::string& path, const std::string& before,
                                const std::string& after);

// Returns true when `location` is a URL to clone rather than a local path.
bool IsRemoteLocation(const std::string& location);

// Returns `path` with "." components removed, or an error for an absolute path or one with a
// ".." component.
Result<std::string> NormalizeRepoPath(const std::string& path);

}  // namespace rampart::remediate
