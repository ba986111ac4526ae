// libFuzzer target for the reader of Falco JSON alerts.
#include "fuzz/single_reader_fuzz.h"
#include "ingest/more_readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto reader = rampart::ingest::MakeFalcoReader();
  return rampart::ingest::fuzz::FuzzReader(*reader, data, size);
}
