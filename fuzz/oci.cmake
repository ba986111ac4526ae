# Fuzz target of the OCI module: manifests and indexes from a registry, image references,
# repository names, Link headers and tag lists.
rampart_fuzz_target(oci SOURCES oci_fuzz.cc DEPS rampart_oci)
