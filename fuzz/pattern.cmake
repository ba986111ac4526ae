# Event patterns: the pattern parser, the event reader and the rules file reader.
rampart_fuzz_target(pattern_parse SOURCES pattern_parse_fuzz.cc DEPS rampart_pattern)
rampart_fuzz_target(event_reader SOURCES event_reader_fuzz.cc DEPS rampart_pattern)
rampart_fuzz_target(rules_file SOURCES rules_file_fuzz.cc DEPS rampart_pattern)
