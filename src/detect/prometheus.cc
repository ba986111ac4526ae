#include "detect/prometheus.h"

#include <curl/curl.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace rampart::detect {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// Parses one sample line; returns the problem, or "" on success.
std::string ParseSample(std::string_view line, MetricSample& sample) {
  std::size_t i = 0;
  if (line.empty() || !IsNameStart(line[0])) {
    return "expected a metric name";
  }
  while (i < line.size() && IsNameChar(line[i])) {
    ++i;
  }
  sample.name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      while (i < line.size() && (line[i] == ' ' || line[i] == ',')) {
        ++i;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const std::size_t name_start = i;
      while (i < line.size() && IsNameChar(line[i])) {
        ++i;
      }
      if (i == name_start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        return fmt::format("invalid label at column {}", name_start + 1);
      }
      std::string name(line.substr(name_start, i - name_start));
      i += 2;
      std::string value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value.push_back(line[i] == 'n' ? '\n' : line[i]);
        } else {
          value.push_back(line[i]);
        }
        ++i;
      }
      if (i >= line.size()) {
        return fmt::format("label {} has no closing quote", name);
      }
      ++i;
      sample.labels.emplace_back(std::move(name), std::move(value));
    }
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
    ++i;
  }
  const std::size_t value_end = line.find_first_of(" \t", i);
  const std::string_view value_text = line.substr(i, value_end - i);
  if (value_text == "NaN") {
    sample.value = std::numeric_limits<double>::quiet_NaN();
  } else if (value_text == "+Inf" || value_text == "Inf") {
    sample.value = std::numeric_limits<double>::infinity();
  } else if (value_text == "-Inf") {
    sample.value = -std::numeric_limits<double>::infinity();
  } else {
    std::string_view number = value_text;
    if (!number.empty() && number.front() == '+') {
      number.remove_prefix(1);
    }
    const auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), sample.value);
    if (number.empty() || error != std::errc() || end != number.data() + number.size()) {
      return fmt::format("invalid sample value \"{}\"", value_text);
    }
  }
  if (value_end != std::string_view::npos) {
    std::string_view rest = line.substr(value_end);
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
    if (!rest.empty()) {
      std::int64_t timestamp = 0;
      const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), timestamp);
      if (error != std::errc() || end != rest.data() + rest.size()) {
        return fmt::format("invalid timestamp \"{}\" (expected milliseconds)", rest);
      }
      sample.timestamp_ms = timestamp;
    }
  }
  return "";
}

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::pair<std::string*, std::size_t>*>(user);
  if (body->first->size() + size * count > body->second) {
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  body->first->append(data, size * count);
  return size * count;
}

}  // namespace

MetricReadResult ParsePrometheusText(std::string_view text, std::string_view source) {
  MetricReadResult result;
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') {
      continue;
    }
    MetricSample sample;
    sample.line = line_number;
    const std::string problem = ParseSample(line.substr(first), sample);
    if (!problem.empty()) {
      result.problems.push_back(
          {line_number, fmt::format("{}: line {}: {}", source, line_number, problem)});
      continue;
    }
    result.samples.push_back(std::move(sample));
  }
  return result;
}

Result<std::string> ScrapePrometheus(const std::string& url, const ScrapeOptions& options) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  auto part = [&parsed](CURLUPart which) -> std::optional<std::string> {
    char* text = nullptr;
    if (curl_url_get(parsed.get(), which, &text, 0) != CURLUE_OK) {
      curl_free(text);
      return std::nullopt;
    }
    std::string copy = text;
    curl_free(text);
    return copy;
  };
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return InvalidArgument(fmt::format("invalid scrape URL \"{}\"", url));
  }
  const std::optional<std::string> scheme = part(CURLUPART_SCHEME);
  const std::optional<std::string> host = part(CURLUPART_HOST);
  if (!scheme || !host) {
    return InvalidArgument(
        fmt::format("invalid scrape URL \"{}\": it needs a scheme and a host", url));
  }
  const std::string& scheme_text = *scheme;
  std::string host_text = *host;
  if (host_text.size() > 2 && host_text.front() == '[' && host_text.back() == ']') {
    host_text = host_text.substr(1, host_text.size() - 2);  // an IPv6 address, as allowed
  }
  if (scheme_text != "http" && scheme_text != "https") {
    return InvalidArgument(
        fmt::format("scrape URL \"{}\": scheme {} is not http or https", url, scheme_text));
  }
  if (options.allowed_hosts.count(host_text) == 0) {
    return FailedPrecondition(fmt::format(
        "scrape URL \"{}\": host {} is not in the allowed scrape hosts; add it to the allow "
        "list to scrape it",
        url, host_text));
  }

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    return Internal("curl_easy_init failed");
  }
  std::string body;
  std::pair<std::string*, std::size_t> sink{&body, options.max_bytes};
  curl_easy_setopt(curl.get(), CURLOPT_CURLU, parsed.get());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, nullptr);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) {
    return Unavailable(fmt::format("scrape of {} failed: {}", url, curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return Unavailable(fmt::format("scrape of {} returned HTTP {}", url, status));
  }
  return body;
}

}  // namespace rampart::detect
