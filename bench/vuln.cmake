# Vulnerability matching: load a generated OSV database of 100,000 advisories and match an
# SBOM of 2,000 packages (docs/performance-vuln.md).
rampart_benchmark(vuln_bench
  SOURCES vuln_bench.cc
  DEPS rampart_vuln PkgConfig::LIBARCHIVE)
