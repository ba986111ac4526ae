#include "ingest/reader.h"

#include <fmt/format.h>

#include "finding/validate.h"
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

void AddFinding(Json finding, const std::string& path, ReadResult& result) {
  auto problems = finding::ValidateFinding(finding, path);
  if (!problems.empty()) {
    result.rejected.push_back({path, finding::DescribeProblems(finding, problems)});
    return;
  }
  finding::Normalize(finding);
  result.findings.push_back(std::move(finding));
}

std::string ProductArn(const ReadOptions& options, std::string_view company,
                       std::string_view product) {
  return fmt::format("arn:aws:securityhub:{}::product/{}/{}", options.region, company, product);
}

}  // namespace rampart::ingest
