// MakeAllReaders with the readers of more_readers.h, for builds of the ingest tests and
// fuzz targets in which readers.cc is absent.
#include "ingest/more_readers.h"
#include "ingest/readers.h"

namespace rampart::ingest {

std::vector<std::unique_ptr<Reader>> MakeAllReaders() {
  std::vector<std::unique_ptr<Reader>> readers;
  readers.push_back(MakeKubeBenchReader());
  readers.push_back(MakeGuardDutyReader());
  readers.push_back(MakeInspectorReader());
  readers.push_back(MakeOcsfReader());
  readers.push_back(MakeFalcoReader());
  return readers;
}

}  // namespace rampart::ingest
