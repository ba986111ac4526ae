// MakeAllReaders for the test program of the readers in more_readers.h, which links the
// ingest library without readers.cc.
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
