#include "ingest/finding_fields.h"

#include <cctype>

#include <fmt/format.h>

#include "core/clock.h"

namespace rampart::ingest {

std::string Truncate(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  constexpr std::string_view kEllipsis = "...";
  std::size_t cut = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string cut_text(text.substr(0, cut));
  cut_text.append(kEllipsis.substr(0, max_bytes - cut));
  return cut_text;
}

std::string_view LabelForCvssScore(double score) {
  if (score >= 9.0) {
    return "CRITICAL";
  }
  if (score >= 7.0) {
    return "HIGH";
  }
  if (score >= 4.0) {
    return "MEDIUM";
  }
  if (score > 0.0) {
    return "LOW";
  }
  return "INFORMATIONAL";
}

std::string CvssVersion(std::string_view vector) {
  constexpr std::string_view kPrefix = "CVSS:";
  if (vector.substr(0, kPrefix.size()) == kPrefix) {
    const std::string_view rest = vector.substr(kPrefix.size());
    return std::string(rest.substr(0, rest.find('/')));
  }
  return "2.0";
}

std::optional<std::string> AsffTimestamp(std::string_view text) {
  auto time = ParseTimestamp(text);
  if (!time) {
    return std::nullopt;
  }
  return FormatTimestamp(*time);
}

std::string ProductArnPart(std::string_view text, std::string_view fallback) {
  std::string part;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte)) {
      part.push_back(static_cast<char>(std::tolower(byte)));
    } else if ((c == '-' || c == ' ' || c == '_' || c == '.') && !part.empty() &&
               part.back() != '-') {
      part.push_back('-');
    }
  }
  while (!part.empty() && part.back() == '-') {
    part.pop_back();
  }
  return part.empty() ? std::string(fallback) : part.substr(0, 64);
}

Json StartFinding(const ReadOptions& options, const Product& product, std::string id,
                  std::string generator_id, const std::string& timestamp) {
  Json finding = Json::object();
  finding["SchemaVersion"] = kAsffSchemaVersion;
  finding["Id"] = std::move(id);
  finding["ProductArn"] = ProductArnOf(options, product);
  finding["GeneratorId"] = Truncate(generator_id, 512);
  finding["AwsAccountId"] = options.aws_account_id;
  finding["CreatedAt"] = timestamp;
  finding["UpdatedAt"] = timestamp;
  finding["CompanyName"] = Truncate(product.company, 128);
  finding["ProductName"] = Truncate(product.name, 128);
  return finding;
}

std::string ProductArnOf(const ReadOptions& options, const Product& product) {
  return ProductArn(options,
                    ProductArnPart(product.arn_company, ProductArnPart(product.company, "unknown")),
                    ProductArnPart(product.arn_product, ProductArnPart(product.name, "unknown")));
}

Coverage MakeCoverage(const ReadOptions& options, const Product& product,
                      std::string_view resource_id, std::string_view type,
                      const std::string& scanned_at) {
  const auto equals = [](std::string_view value) {
    return Json::array({{{"Value", value}, {"Comparison", "EQUALS"}}});
  };
  Json filters = {{"ProductArn", equals(ProductArnOf(options, product))},
                  {"AwsAccountId", equals(options.aws_account_id)},
                  // Resources[].Id is cut to 512 characters, as MakeResource cuts it.
                  {"ResourceId", equals(Truncate(resource_id, 512))},
                  {"Type", equals(type)},
                  {"RecordState", equals("ACTIVE")}};
  return Coverage{std::move(filters), scanned_at};
}

std::string PathSubjectProblem(std::string_view path) {
  // A URL or another scheme (https://host/repo, git@host:repo, ami:ami-0123) names one
  // subject, and so does an absolute path of two or more folders, such as /builds/bank/api.
  // One folder, such as /src, is where a container mounts whatever project it scans.
  const std::size_t colon = path.find(':');
  const bool scheme = colon != std::string_view::npos && colon > 0 &&
                      path.substr(0, colon).find('/') == std::string_view::npos;
  const std::string_view trimmed = path.substr(0, path.find_last_not_of('/') + 1);
  const bool deep_path = trimmed.size() > 1 && trimmed.front() == '/' &&
                         trimmed.find('/', 1) != std::string_view::npos;
  if (scheme || deep_path) {
    return "";
  }
  return fmt::format(
      "the report names its subject \"{}\", which other projects or hosts may share; scan an "
      "image or an absolute path, or name the project with --artifact, so that a later scan "
      "can archive what it no longer lists",
      path);
}

Json MakeResource(const ReadOptions& options, std::string_view type, std::string_view id) {
  Json resource = Json::object();
  resource["Type"] = type;
  resource["Id"] = Truncate(id, 512);
  resource["Partition"] = "aws";
  resource["Region"] = options.region;
  return resource;
}

std::string ReportTime(std::string_view text, const ReadOptions& options) {
  if (auto timestamp = AsffTimestamp(text)) {
    return *std::move(timestamp);
  }
  return FormatTimestamp(options.clock->Now());
}

bool HasRequiredString(Node item, std::string_view key, const std::string& path,
                       ReadResult& result) {
  if (!item[key].String().empty()) {
    return true;
  }
  result.rejected.push_back(
      {path, fmt::format("{}: required non-empty string is missing", JsonPathMember(path, key))});
  return false;
}

}  // namespace rampart::ingest
