# The API's request bodies, read as the handlers read them, against a real SQLite store.
rampart_fuzz_target(api_body SOURCES ${CMAKE_CURRENT_LIST_DIR}/api_body_fuzz.cc DEPS rampart_api)
