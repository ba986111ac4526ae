// Loads a generated OSV database of 100,000 advisories and matches a 2,000-package SBOM
// against it. The advisories copy the real OSV records that RAMPART_SHARED_DATA holds
// (ecosystems, ranges, aliases, severities, references, text sizes) with new ids and
// package names. docs/performance-vuln.md has the figures.
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/json.h"
#include "vuln/advisory_database.h"
#include "vuln/findings.h"
#include "vuln/matcher.h"
#include "vuln/sbom.h"

namespace {

namespace fs = std::filesystem;
using rampart::Json;

constexpr int kAdvisories = 100'000;
constexpr int kSbomPackages = 2'000;
// Two advisories name each generated package, as popular packages collect several.
constexpr int kAdvisoriesPerPackage = 2;

// The resident and peak resident memory of this process, in MiB, from /proc/self/status.
double ProcStatusMiB(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::stod(line.substr(std::string(field).size())) / 1024.0;
    }
  }
  return 0;
}

std::vector<Json> ReadTemplates() {
  std::vector<Json> templates;
  const fs::path folder = fs::path(RAMPART_SHARED_DATA) / "vuln" / "osv-records";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    templates.push_back(Json::parse(text.str()));
  }
  return templates;
}

std::string EcosystemName(const std::string& ecosystem) {
  return ecosystem.substr(0, ecosystem.find(':'));
}

std::string PurlFor(const std::string& ecosystem, const std::string& name,
                    const std::string& version) {
  const std::string base = EcosystemName(ecosystem);
  const std::size_t colon = ecosystem.find(':');
  const std::string release = colon == std::string::npos ? "" : ecosystem.substr(colon + 1);
  if (base == "Debian") {
    return fmt::format("pkg:deb/debian/{}@{}?distro=debian-{}", name, version, release);
  }
  if (base == "Alpine") {
    return fmt::format("pkg:apk/alpine/{}@{}?distro={}", name, version, release.substr(1));
  }
  if (base == "Maven") {
    const std::size_t split = name.find(':');
    return fmt::format("pkg:maven/{}/{}@{}", name.substr(0, split), name.substr(split + 1),
                       version);
  }
  if (base == "Go") {
    return fmt::format("pkg:golang/{}@{}", name, version);
  }
  if (base == "npm") {
    return fmt::format("pkg:npm/{}@{}", name, version);
  }
  if (base == "PyPI") {
    return fmt::format("pkg:pypi/{}@{}", name, version);
  }
  return "";
}

struct Generated {
  fs::path folder;
  std::string sbom;
  std::size_t bytes = 0;
  bool keep = false;  // set when RAMPART_VULN_BENCH_DATA names the folder
};

class ZipWriter {
 public:
  explicit ZipWriter(const fs::path& path) : archive_(archive_write_new()) {
    fs::create_directories(path.parent_path());
    archive_write_set_format_zip(archive_);
    archive_write_open_filename(archive_, path.c_str());
  }
  ~ZipWriter() {
    archive_write_close(archive_);
    archive_write_free(archive_);
  }

  void Add(const std::string& name, const std::string& content) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_write_header(archive_, entry);
    archive_write_data(archive_, content.data(), content.size());
    archive_entry_free(entry);
  }

 private:
  archive* archive_;
};

// Writes one zip per ecosystem, as osv.dev publishes them, and an SBOM with one package from
// every 49th advisory: at the fix of its range for even samples, at "0.1", below every fix,
// for odd ones. Packages that no advisory names fill the SBOM up to its size.
Generated Generate() {
  Generated generated;
  generated.folder = fs::temp_directory_path() / fmt::format("rampart-vuln-bench-{}", getpid());
  if (const char* kept = std::getenv("RAMPART_VULN_BENCH_DATA"); kept != nullptr) {
    generated.folder = kept;
    generated.keep = true;
  }
  fs::remove_all(generated.folder);
  const std::vector<Json> templates = ReadTemplates();
  std::map<std::string, std::unique_ptr<ZipWriter>> zips;
  std::vector<std::string> purls;
  // 49 and the 16 templates have no common factor, so the samples cycle through all of them.
  constexpr int kStride = 49;

  for (int i = 0; i < kAdvisories; ++i) {
    const Json& shape = templates[static_cast<std::size_t>(i) % templates.size()];
    Json record = shape;
    const std::string prefix = shape.at("id").get<std::string>().substr(0, 4);
    record["id"] = fmt::format("{}BENCH-{:06}", prefix, i);
    // Every advisory has a CVE alias, and pairs of advisories share it, so alias merging
    // does real work.
    record["aliases"] = Json::array({fmt::format("CVE-2099-{:06}", i / 2)});
    const int package_number = i / kAdvisoriesPerPackage;
    bool sampled = i % kStride == 0 && purls.size() < kSbomPackages;
    std::string zip_name = "GIT";
    if (record.contains("affected") && record["affected"].is_array()) {
      for (Json& affected : record["affected"]) {
        if (!affected.contains("package")) {
          continue;
        }
        Json& package = affected["package"];
        const std::string name =
            fmt::format("{}-{}", package.at("name").get<std::string>(), package_number);
        package["name"] = name;
        package.erase("purl");
        zip_name = EcosystemName(package.at("ecosystem").get<std::string>());
        if (sampled) {
          std::string version = "0.1";
          if (i % (2 * kStride) == 0) {
            for (const Json& range : affected.value("ranges", Json::array())) {
              for (const Json& event : range.value("events", Json::array())) {
                if (event.contains("fixed") && range.value("type", "") != "GIT") {
                  version = event["fixed"].get<std::string>();
                }
              }
            }
          }
          const std::string purl =
              PurlFor(package.at("ecosystem").get<std::string>(), name, version);
          if (!purl.empty()) {
            purls.push_back(purl);
            sampled = false;  // one package per sampled advisory
          }
        }
      }
    }
    auto& zip = zips[zip_name];
    if (!zip) {
      zip = std::make_unique<ZipWriter>(generated.folder / zip_name / "all.zip");
    }
    const std::string text = record.dump();
    generated.bytes += text.size();
    zip->Add(record["id"].get<std::string>() + ".json", text);
  }
  zips.clear();

  // Fill the SBOM up to its size with packages no advisory names.
  for (int i = 0; purls.size() < kSbomPackages; ++i) {
    purls.push_back(fmt::format("pkg:npm/unaffected-{}@1.0.{}", i, i % 10));
  }
  Json components = Json::array();
  for (const std::string& purl : purls) {
    components.push_back({{"type", "library"}, {"purl", purl}});
  }
  generated.sbom = Json{
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"metadata", {{"component", {{"name", "bench-image"}}}}},
      {"components",
       components}}.dump();
  if (generated.keep) {
    std::ofstream(generated.folder.string() + ".cdx.json") << generated.sbom;
  }
  return generated;
}

const Generated& Data() {
  static const Generated generated = Generate();
  return generated;
}

// Loads the database on state.range(0) threads (0: one per core).
void BM_LoadDatabase(benchmark::State& state) {
  const Generated& data = Data();
  const double rss_before = ProcStatusMiB("VmRSS:");
  std::size_t advisories = 0;
  double rss_after = 0;
  for (auto _ : state) {
    auto database = rampart::vuln::AdvisoryDatabase::Load(data.folder.string(),
                                                          static_cast<unsigned>(state.range(0)));
    if (!database) {
      state.SkipWithError(database.status().message().c_str());
      return;
    }
    advisories = database->size();
    rss_after = ProcStatusMiB("VmRSS:");
    benchmark::DoNotOptimize(database);
  }
  state.counters["advisories"] = static_cast<double>(advisories);
  state.counters["json_MiB"] = static_cast<double>(data.bytes) / (1024.0 * 1024.0);
  state.counters["rss_growth_MiB"] = rss_after - rss_before;
  state.counters["peak_rss_MiB"] = ProcStatusMiB("VmHWM:");
}
BENCHMARK(BM_LoadDatabase)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

const rampart::vuln::AdvisoryDatabase* LoadedDatabase() {
  static const auto database = rampart::vuln::AdvisoryDatabase::Load(Data().folder.string());
  return database ? &*database : nullptr;
}

// Matching only: candidates, release filter and range evaluation, without findings.
void BM_MatchInventory(benchmark::State& state) {
  const auto* database = LoadedDatabase();
  auto inventory = rampart::vuln::ReadSbom(Data().sbom, "bench.cdx.json");
  if (database == nullptr || !inventory) {
    state.SkipWithError("loading the generated data failed");
    return;
  }
  std::size_t matches = 0;
  for (auto _ : state) {
    const auto result = rampart::vuln::MatchInventory(*database, *inventory);
    matches = result.matches.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["packages"] = static_cast<double>(inventory->packages.size());
  state.counters["matches"] = static_cast<double>(matches);
}
BENCHMARK(BM_MatchInventory)->Unit(benchmark::kMillisecond);

// The whole scan of the SBOM: matching and one ASFF finding per match.
void BM_ScanSbom(benchmark::State& state) {
  const auto* database = LoadedDatabase();
  auto inventory = rampart::vuln::ReadSbom(Data().sbom, "bench.cdx.json");
  if (database == nullptr || !inventory) {
    state.SkipWithError("loading the generated data failed");
    return;
  }
  std::size_t findings = 0;
  std::size_t errors = 0;
  for (auto _ : state) {
    const auto report = rampart::vuln::Scan(*database, *inventory, {});
    findings = report.findings.size();
    errors = report.errors.size();
    benchmark::DoNotOptimize(report);
  }
  state.counters["packages"] = static_cast<double>(inventory->packages.size());
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["errors"] = static_cast<double>(errors);
}
BENCHMARK(BM_ScanSbom)->Unit(benchmark::kMillisecond);

void BM_ReadSbom(benchmark::State& state) {
  const Generated& data = Data();
  for (auto _ : state) {
    auto inventory = rampart::vuln::ReadSbom(data.sbom, "bench.cdx.json");
    benchmark::DoNotOptimize(inventory);
  }
}
BENCHMARK(BM_ReadSbom)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!Data().keep) {
    std::error_code ignored;
    fs::remove_all(Data().folder, ignored);
  }
  return 0;
}
