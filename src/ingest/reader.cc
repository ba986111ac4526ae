#include "ingest/reader.h"

#include <fmt/format.h>

#include "finding/validate.h"
#include "ingest/finding_fields.h"
#include "ingest/readers.h"

namespace rampart::ingest {

const std::vector<std::unique_ptr<Reader>>& Readers() {
  static const std::vector<std::unique_ptr<Reader>> readers = MakeAllReaders();
  return readers;
}

const Reader* FindReader(std::string_view name) {
  for (const auto& reader : Readers()) {
    if (reader->Name() == name) {
      return reader.get();
    }
  }
  return nullptr;
}

namespace {

// Bounds on what a rejection message repeats from its finding, so that a 100 MB value
// never turns into a 100 MB message.
constexpr std::size_t kMaxIdInMessage = 200;
constexpr std::size_t kMaxRejectionMessage = 4096;

}  // namespace

void AddFinding(Json finding, const std::string& path, ReadResult& result) {
  auto problems = finding::ValidateFinding(finding, path);
  if (!problems.empty()) {
    if (finding.is_object()) {
      const auto id = finding.find("Id");
      if (id != finding.end() && id->is_string() &&
          id->get_ref<const std::string&>().size() > kMaxIdInMessage) {
        *id = Truncate(id->get_ref<const std::string&>(), kMaxIdInMessage);
      }
    }
    result.rejected.push_back(
        {path, Truncate(finding::DescribeProblems(finding, problems), kMaxRejectionMessage)});
    return;
  }
  finding::Normalize(finding);
  result.findings.push_back(std::move(finding));
  result.paths.push_back(path);
}

std::string ProductArn(const ReadOptions& options, std::string_view company,
                       std::string_view product) {
  return fmt::format("arn:aws:securityhub:{}::product/{}/{}", options.region, company, product);
}

}  // namespace rampart::ingest
