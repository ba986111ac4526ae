// Kills `rampart run` with SIGKILL at random moments while it remediates 1,000 findings with
// an exec action that appends one line per finding, restarts it, and checks that every line
// is present exactly once and that the audit log verifies.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "core/json.h"

namespace rampart::cli {
namespace {

constexpr int kFindings = 1000;

std::string Binary(const std::string& name) { return std::string(RAMPART_BINARY_DIR) + "/" + name; }

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

Json MakeFinding(int i) {
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", "crash-test/finding-" + std::to_string(i)},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/crash-test"},
              {"GeneratorId", "crash-test"},
              {"AwsAccountId", "111122223333"},
              {"Types", {"Software and Configuration Checks/Vulnerabilities/CVE"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "HIGH"}}},
              {"Title", "finding " + std::to_string(i)},
              {"Description", "crash test"},
              {"Resources", {{{"Type", "Container"}, {"Id", "image-" + std::to_string(i)}}}}};
}

// Starts `argv` with its output in `log`; returns the child's pid.
pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& dir,
            const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) {
      ::_exit(127);
    }
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

std::map<std::string, int> CountLines(const std::filesystem::path& path) {
  std::map<std::string, int> counts;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    counts[line] += 1;
  }
  return counts;
}

void ExpectNoDuplicates(const std::map<std::string, int>& counts, int round) {
  for (const auto& [line, count] : counts) {
    ASSERT_EQ(count, 1) << "line " << line << " appears " << count << " times after round "
                        << round;
  }
}

TEST(RunCrash, EveryEffectExactlyOnce) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("rampart_run_crash_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Json findings = Json::array();
  for (int i = 0; i < kFindings; ++i) {
    findings.push_back(MakeFinding(i));
  }
  WriteText(dir / "report.json", Json{{"Findings", findings}}.dump());
  WriteText(dir / "rampart.yaml",
            "store: sqlite:rampart.db\nrules: rules.yaml\nsources: [report.json]\n"
            "log_level: error\n");
  WriteText(dir / "rules.yaml",
            "- name: append-line\n"
            "  mode: enforce\n"
            "  event_pattern: {detail: {findings: {GeneratorId: [crash-test]}}}\n"
            "  targets:\n"
            "    - action: exec\n"
            "      params:\n"
            "        argv: [\"" +
                Binary("append-once") + "\", \"" + (dir / "effects.txt").string() + "\"]\n");
  const std::vector<std::string> run = {Binary("rampart"), "run", "--config", "rampart.yaml",
                                        "--once"};

  std::mt19937 random(20261204);
  std::uniform_int_distribution<int> delay_ms(20, 1500);
  int kills = 0;
  for (int round = 1; round <= 40; ++round) {
    const pid_t pid = Spawn(run, dir, dir / "run.log");
    ASSERT_GT(pid, 0);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(random));
    int wait_status = 0;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid, &wait_status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!exited) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wait_status, 0);
      ++kills;
    }
    ExpectNoDuplicates(CountLines(dir / "effects.txt"), round);
    if (exited) {
      ASSERT_TRUE(WIFEXITED(wait_status)) << "rampart run ended by a signal";
      ASSERT_EQ(WEXITSTATUS(wait_status), 0) << "rampart run failed; see " << dir / "run.log";
      if (CountLines(dir / "effects.txt").size() == static_cast<std::size_t>(kFindings)) {
        break;
      }
    }
  }
  // A last uninterrupted run finishes whatever the killed runs left.
  const pid_t last = Spawn(run, dir, dir / "run.log");
  int last_status = 0;
  ::waitpid(last, &last_status, 0);
  ASSERT_TRUE(WIFEXITED(last_status));
  ASSERT_EQ(WEXITSTATUS(last_status), 0);

  const auto counts = CountLines(dir / "effects.txt");
  ExpectNoDuplicates(counts, 99);
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(kFindings));
  EXPECT_GT(kills, 0) << "no run was interrupted; the test proved nothing";

  const pid_t verify =
      Spawn({Binary("rampart"), "audit", "verify", "--db", "rampart.db"}, dir, dir / "verify.log");
  int verify_status = 0;
  ::waitpid(verify, &verify_status, 0);
  ASSERT_TRUE(WIFEXITED(verify_status));
  EXPECT_EQ(WEXITSTATUS(verify_status), 0) << "audit verify failed; see " << dir / "verify.log";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rampart::cli
