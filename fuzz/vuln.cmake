# Fuzz targets of the vulnerability module: OSV records, SBOMs, version strings and
# package URLs, and the package databases and lock files of a root file system.
rampart_fuzz_target(vuln_osv_record SOURCES vuln_osv_record_fuzz.cc DEPS rampart_vuln)
rampart_fuzz_target(vuln_sbom SOURCES vuln_sbom_fuzz.cc DEPS rampart_vuln)
rampart_fuzz_target(vuln_version SOURCES vuln_version_fuzz.cc DEPS rampart_vuln)
rampart_fuzz_target(vuln_lockfile SOURCES vuln_lockfile_fuzz.cc DEPS rampart_vuln)
