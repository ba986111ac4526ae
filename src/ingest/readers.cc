#include "ingest/readers.h"

namespace rampart::ingest {

std::vector<std::unique_ptr<Reader>> MakeAllReaders() {
  std::vector<std::unique_ptr<Reader>> readers;
  // Each of these recognizes its format by members that no other format has, such as Trivy's
  // numeric SchemaVersion, bomFormat, SARIF's runs, Grype's matches and ASFF's ProductArn,
  // so their order matters little. They read simdjson's DOM and come first, so a large
  // report of theirs never pays for building an nlohmann document.
  readers.push_back(MakeTrivyReader());
  readers.push_back(MakeCycloneDxReader());
  readers.push_back(MakeSarifReader());
  readers.push_back(MakeGrypeReader());
  readers.push_back(MakeAsffReader());

  readers.push_back(MakeKubeBenchReader());
  readers.push_back(MakeGuardDutyReader());
  readers.push_back(MakeInspectorReader());
  readers.push_back(MakeOcsfReader());
  readers.push_back(MakeFalcoReader());
  return readers;
}

}  // namespace rampart::ingest
