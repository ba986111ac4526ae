#include "remediate/git_workspace.h"

#include <git2.h>

#include <filesystem>
#include <mutex>
#include <random>

#include <fmt/format.h>

namespace rampart::remediate {

namespace {

constexpr std::size_t kMaxManifestBytes = 4 << 20;
constexpr int kMaxSymlinkHops = 8;

void InitGitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string GitError(std::string_view what) {
  const git_error* error = git_error_last();
  return fmt::format(
      "{}: {}", what,
      error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error");
}

// Owns one libgit2 object; `Free` is its git_*_free function.
template <typename T, void (*Free)(T*)>
class GitPtr {
 public:
  GitPtr() = default;
  GitPtr(const GitPtr&) = delete;
  GitPtr& operator=(const GitPtr&) = delete;
  ~GitPtr() {
    if (ptr_ != nullptr) {
      Free(ptr_);
    }
  }
  T** out() { return &ptr_; }
  T* get() const { return ptr_; }

 private:
  T* ptr_ = nullptr;
};

using TreePtr = GitPtr<git_tree, git_tree_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using BlobPtr = GitPtr<git_blob, git_blob_free>;
using RefPtr = GitPtr<git_reference, git_reference_free>;
using RemotePtr = GitPtr<git_remote, git_remote_free>;
using SignaturePtr = GitPtr<git_signature, git_signature_free>;
using EntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;
using PatchPtr = GitPtr<git_patch, git_patch_free>;

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end > start) {
      parts.emplace_back(path.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

std::string JoinPath(const std::vector<std::string>& parts) {
  std::string joined;
  for (const std::string& part : parts) {
    joined += joined.empty() ? part : "/" + part;
  }
  return joined;
}

bool IsYamlName(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    if (name.size() < suffix.size()) {
      return false;
    }
    for (std::size_t i = 0; i < suffix.size(); ++i) {
      const char c = static_cast<char>(
          std::tolower(static_cast<unsigned char>(name[name.size() - suffix.size() + i])));
      if (c != suffix[i]) {
        return false;
      }
    }
    return true;
  };
  return ends_with(".yaml") || ends_with(".yml");
}

Result<std::string> BlobText(git_repository* repository, const git_oid* id) {
  BlobPtr blob;
  if (git_blob_lookup(blob.out(), repository, id) != 0) {
    return IoError(GitError("reading a blob"));
  }
  const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

// The result of following a path through the tree: the entry's id, mode and final path.
struct ResolvedPath {
  git_oid id{};
  git_filemode_t mode = GIT_FILEMODE_TREE;
  std::vector<std::string> parts;
};

// Follows `parts` from the root tree, resolving symbolic links stored in the tree. A link
// target that is absolute or climbs above the root fails with kPermissionDenied.
Result<ResolvedPath> ResolveInTree(git_repository* repository, git_tree* root,
                                   std::vector<std::string> parts, const std::string& shown) {
  for (int hops = 0; hops <= kMaxSymlinkHops; ++hops) {
    ResolvedPath resolved;
    resolved.id = *git_tree_id(root);
    bool restarted = false;
    for (std::size_t i = 0; i < parts.size() && !restarted; ++i) {
      if (resolved.mode != GIT_FILEMODE_TREE) {
        return NotFound(fmt::format("path '{}' is not in the repository", shown));
      }
      TreePtr tree;
      if (git_tree_lookup(tree.out(), repository, &resolved.id) != 0) {
        return IoError(GitError("reading a tree"));
      }
      const git_tree_entry* entry = git_tree_entry_byname(tree.get(), parts[i].c_str());
      if (entry == nullptr) {
        return NotFound(fmt::format("path '{}' is not in the repository", shown));
      }
      resolved.id = *git_tree_entry_id(entry);
      resolved.mode = git_tree_entry_filemode(entry);
      resolved.parts.push_back(parts[i]);
      if (resolved.mode != GIT_FILEMODE_LINK) {
        continue;
      }
      auto target = BlobText(repository, &resolved.id);
      if (!target) {
        return target.status();
      }
      // Rebuild the path as the link's folder, then its target, then the rest of the path.
      std::vector<std::string> next(parts.begin(), parts.begin() + static_cast<long>(i));
      const bool absolute = !target->empty() && (*target)[0] == '/';
      for (const std::string& part : SplitPath(*target)) {
        if (part == ".") {
          continue;
        }
        if (part == ".." && next.empty()) {
          return Status(StatusCode::kPermissionDenied,
                        fmt::format("path '{}' is a symbolic link to '{}', which leads outside "
                                    "the repository root",
                                    shown, *target));
        }
        if (part == "..") {
          next.pop_back();
        } else {
          next.push_back(part);
        }
      }
      if (absolute) {
        return Status(StatusCode::kPermissionDenied,
                      fmt::format("path '{}' is a symbolic link to the absolute path '{}', "
                                  "which leads outside the repository root",
                                  shown, *target));
      }
      next.insert(next.end(), parts.begin() + static_cast<long>(i) + 1, parts.end());
      parts = std::move(next);
      restarted = true;
    }
    if (!restarted) {
      return resolved;
    }
  }
  return InvalidArgument(
      fmt::format("path '{}' follows more than {} symbolic links", shown, kMaxSymlinkHops));
}

struct WalkState {
  git_repository* repository;
  git_tree* root;
  std::string prefix;
  std::vector<TreeFile>* files;
  std::vector<std::string>* skipped;
  std::map<std::string, unsigned int>* modes;
  Status status;
};

int WalkEntry(const char* folder, const git_tree_entry* entry, void* payload) {
  auto* state = static_cast<WalkState*>(payload);
  const std::string name = git_tree_entry_name(entry);
  const std::string path = state->prefix + folder + name;
  const git_filemode_t mode = git_tree_entry_filemode(entry);
  if (mode == GIT_FILEMODE_LINK) {
    auto resolved = ResolveInTree(state->repository, state->root, SplitPath(path), path);
    if (!resolved && resolved.status().code() == StatusCode::kPermissionDenied) {
      state->skipped->push_back(resolved.status().message());
    }
    return 0;
  }
  if ((mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) || !IsYamlName(name)) {
    return 0;
  }
  auto text = BlobText(state->repository, git_tree_entry_id(entry));
  if (!text) {
    state->status = text.status();
    return -1;
  }
  if (text->size() > kMaxManifestBytes) {
    state->skipped->push_back(fmt::format("{}: larger than {} bytes", path, kMaxManifestBytes));
    return 0;
  }
  (*state->modes)[path] = mode;
  state->files->push_back(TreeFile{path, std::move(*text), mode});
  return 0;
}

std::string RandomSuffix() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

Status PushRefspec(git_repository* repository, const std::string& url, const std::string& refspec) {
  RemotePtr remote;
  if (git_remote_create_anonymous(remote.out(), repository, url.c_str()) != 0) {
    return InvalidArgument(GitError(fmt::format("remote '{}'", url)));
  }
  git_push_options options;
  git_push_options_init(&options, GIT_PUSH_OPTIONS_VERSION);
  char* specs[] = {const_cast<char*>(refspec.c_str())};
  const git_strarray refspecs = {specs, 1};
  if (git_remote_push(remote.get(), &refspecs, &options) != 0) {
    return Unavailable(GitError(fmt::format("push to '{}'", url)));
  }
  return Status::Ok();
}

}  // namespace

bool IsRemoteLocation(const std::string& location) {
  return location.find("://") != std::string::npos ||
         (location.find('@') != std::string::npos && location.find(':') != std::string::npos &&
          location.front() != '/');
}

Result<std::string> NormalizeRepoPath(const std::string& path) {
  if (!path.empty() && path.front() == '/') {
    return InvalidArgument(
        fmt::format("path '{}' is absolute; give a path relative to the repository root", path));
  }
  std::vector<std::string> kept;
  for (const std::string& part : SplitPath(path)) {
    if (part == "..") {
      return InvalidArgument(
          fmt::format("path '{}' contains '..'; paths must stay inside the repository", path));
    }
    if (part != ".") {
      kept.push_back(part);
    }
  }
  return JoinPath(kept);
}

GitWorkspace::~GitWorkspace() {
  if (repository_ != nullptr) {
    git_repository_free(repository_);
  }
  if (!clone_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(clone_dir_, ignored);
  }
}

Result<std::unique_ptr<GitWorkspace>> GitWorkspace::Open(const std::string& location,
                                                         const std::string& work_dir,
                                                         const std::string& base) {
  InitGitOnce();
  std::unique_ptr<GitWorkspace> workspace(new GitWorkspace());
  if (IsRemoteLocation(location)) {
    workspace->clone_dir_ = work_dir + "/rampart-clone-" + RandomSuffix();
    workspace->origin_url_ = location;
    git_clone_options options;
    git_clone_options_init(&options, GIT_CLONE_OPTIONS_VERSION);
    options.bare = 1;
    if (git_clone(&workspace->repository_, location.c_str(), workspace->clone_dir_.c_str(),
                  &options) != 0) {
      return Unavailable(GitError(fmt::format("cloning '{}'", location)));
    }
  } else if (git_repository_open_ext(&workspace->repository_, location.c_str(),
                                     GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    return NotFound(GitError(fmt::format("opening repository '{}'", location)));
  }

  const std::string spec = base.empty() ? "HEAD" : base;
  ObjectPtr object;
  ObjectPtr commit;
  if (git_revparse_single(object.out(), workspace->repository_, spec.c_str()) != 0 &&
      git_revparse_single(object.out(), workspace->repository_, ("origin/" + spec).c_str()) != 0) {
    return NotFound(GitError(fmt::format("base '{}' in '{}'", spec, location)));
  }
  if (git_object_peel(commit.out(), object.get(), GIT_OBJECT_COMMIT) != 0) {
    return InvalidArgument(GitError(fmt::format("base '{}' is not a commit", spec)));
  }
  workspace->base_commit_ = git_oid_tostr_s(git_object_id(commit.get()));
  return workspace;
}

Result<std::vector<TreeFile>> GitWorkspace::ListYamlFiles(const std::vector<std::string>& paths,
                                                          std::vector<std::string>& skipped) {
  git_oid base_id;
  git_oid_fromstr(&base_id, base_commit_.c_str());
  CommitPtr commit;
  TreePtr root;
  if (git_commit_lookup(commit.out(), repository_, &base_id) != 0 ||
      git_commit_tree(root.out(), commit.get()) != 0) {
    return IoError(GitError("reading the base commit"));
  }
  std::vector<std::string> scopes = paths.empty() ? std::vector<std::string>{""} : paths;
  std::vector<TreeFile> files;
  auto& modes = modes_;
  for (const std::string& scope : scopes) {
    auto normalized = NormalizeRepoPath(scope);
    if (!normalized) {
      return normalized.status();
    }
    auto resolved = ResolveInTree(repository_, root.get(), SplitPath(*normalized), scope);
    if (!resolved) {
      return resolved.status();
    }
    const std::string path = JoinPath(resolved->parts);
    if (resolved->mode != GIT_FILEMODE_TREE) {
      auto text = BlobText(repository_, &resolved->id);
      if (!text) {
        return text.status();
      }
      modes[path] = resolved->mode;
      files.push_back(TreeFile{path, std::move(*text), resolved->mode});
      continue;
    }
    TreePtr tree;
    if (git_tree_lookup(tree.out(), repository_, &resolved->id) != 0) {
      return IoError(GitError("reading a tree"));
    }
    WalkState state{repository_, root.get(),  path.empty() ? "" : path + "/", &files, &skipped,
                    &modes,      Status::Ok()};
    git_tree_walk(tree.get(), GIT_TREEWALK_PRE, WalkEntry, &state);
    RAMPART_RETURN_IF_ERROR(state.status);
  }
  return files;
}

bool GitWorkspace::BranchExists(const std::string& branch) const {
  for (const std::string& name : {"refs/heads/" + branch, "refs/remotes/origin/" + branch}) {
    git_oid id;
    if (git_reference_name_to_id(&id, repository_, name.c_str()) == 0) {
      return true;
    }
  }
  return false;
}

Result<std::string> GitWorkspace::CommitOnBranch(const CommitRequest& request) {
  int valid = 0;
  const std::string ref_name = "refs/heads/" + request.branch;
  if (git_reference_name_is_valid(&valid, ref_name.c_str()) != 0 || valid == 0) {
    return InvalidArgument(fmt::format("'{}' is not a valid branch name", request.branch));
  }
  if (BranchExists(request.branch)) {
    return Status(StatusCode::kAlreadyExists,
                  fmt::format("branch '{}' already exists", request.branch));
  }
  git_oid base_id;
  git_oid_fromstr(&base_id, base_commit_.c_str());
  CommitPtr parent;
  TreePtr base_tree;
  if (git_commit_lookup(parent.out(), repository_, &base_id) != 0 ||
      git_commit_tree(base_tree.out(), parent.get()) != 0) {
    return IoError(GitError("reading the base commit"));
  }

  std::vector<git_tree_update> updates;
  for (const auto& [path, content] : request.files) {
    git_tree_update update{};
    update.action = GIT_TREE_UPDATE_UPSERT;
    if (git_blob_create_from_buffer(&update.id, repository_, content.data(), content.size()) != 0) {
      return IoError(GitError(fmt::format("writing '{}'", path)));
    }
    const auto mode = modes_.find(path);
    update.filemode =
        mode != modes_.end() ? static_cast<git_filemode_t>(mode->second) : GIT_FILEMODE_BLOB;
    update.path = path.c_str();
    updates.push_back(update);
  }
  git_oid tree_id;
  TreePtr tree;
  if (git_tree_create_updated(&tree_id, repository_, base_tree.get(), updates.size(),
                              updates.data()) != 0 ||
      git_tree_lookup(tree.out(), repository_, &tree_id) != 0) {
    return IoError(GitError("writing the new tree"));
  }

  SignaturePtr signature;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(request.time.time_since_epoch()).count();
  if (git_signature_new(signature.out(), request.author_name.c_str(), request.author_email.c_str(),
                        static_cast<git_time_t>(seconds), 0) != 0) {
    return InvalidArgument(GitError("commit author"));
  }
  git_oid commit_id;
  const git_commit* parents[] = {parent.get()};
  if (git_commit_create(&commit_id, repository_, nullptr, signature.get(), signature.get(), "UTF-8",
                        request.message.c_str(), tree.get(), 1, parents) != 0) {
    return IoError(GitError("creating the commit"));
  }
  CommitPtr commit;
  RefPtr branch;
  if (git_commit_lookup(commit.out(), repository_, &commit_id) != 0 ||
      git_branch_create(branch.out(), repository_, request.branch.c_str(), commit.get(), 0) != 0) {
    return IoError(GitError(fmt::format("creating branch '{}'", request.branch)));
  }
  return std::string(git_oid_tostr_s(&commit_id));
}

Status GitWorkspace::Push(const std::string& branch, const std::string& remote_url) {
  const std::string url = remote_url.empty() ? origin_url_ : remote_url;
  if (url.empty()) {
    return InvalidArgument("push needs a remote URL for a local repository; set 'push_url'");
  }
  const std::string ref = "refs/heads/" + branch;
  return PushRefspec(repository_, url, ref + ":" + ref);
}

Status GitWorkspace::DeleteBranch(const std::string& branch, bool remote,
                                  const std::string& remote_url) {
  RefPtr ref;
  if (git_branch_lookup(ref.out(), repository_, branch.c_str(), GIT_BRANCH_LOCAL) == 0 &&
      git_branch_delete(ref.get()) != 0) {
    return IoError(GitError(fmt::format("deleting branch '{}'", branch)));
  }
  if (!remote) {
    return Status::Ok();
  }
  const std::string url = remote_url.empty() ? origin_url_ : remote_url;
  return PushRefspec(repository_, url, ":refs/heads/" + branch);
}

Result<std::string> UnifiedDiff(const std::string& path, const std::string& before,
                                const std::string& after) {
  InitGitOnce();
  PatchPtr patch;
  if (git_patch_from_buffers(patch.out(), before.data(), before.size(), path.c_str(), after.data(),
                             after.size(), path.c_str(), nullptr) != 0) {
    return Internal(GitError("computing a diff"));
  }
  git_buf buffer = GIT_BUF_INIT;
  if (git_patch_to_buf(&buffer, patch.get()) != 0) {
    return Internal(GitError("formatting a diff"));
  }
  std::string text(buffer.ptr, buffer.size);
  git_buf_dispose(&buffer);
  return text;
}

}  // namespace rampart::remediate
