# Fuzz target of the bus: the bus setting's NATS URL parser and the URL redaction that keeps
# credentials out of error messages and logs.
rampart_fuzz_target(bus_url SOURCES bus_url_fuzz.cc DEPS rampart_bus)
