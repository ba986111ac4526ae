#include "server/insights_api.h"

#include <fmt/format.h>

#include "posture/compliance_json.h"
#include "server/time_buckets.h"
#include "store/filter.h"

namespace rampart::server {
namespace {

constexpr const char* kSeverityLabels[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"};

std::string QueryValue(const ApiRequest& request, const std::string& key) {
  const auto found = request.query.find(key);
  return found == request.query.end() ? "" : found->second;
}

ApiResponse History(ApiStores& stores, const ApiRequest& request) {
  const store::FindingKey key{QueryValue(request, "ProductArn"), QueryValue(request, "Id")};
  if (key.product_arn.empty() || key.id.empty()) {
    return InvalidInput(request,
                        "ProductArn and Id are required; send ?ProductArn=ARN&Id=ID of a finding");
  }
  std::lock_guard lock(stores.mutex);
  auto records = stores.findings->History(key);
  if (!records) {
    return StatusResponse(request, records.status());
  }
  return ApiResponse::Json(200, store::HistoryJson(key, *records));
}

ApiResponse Count(ApiStores& stores, const ApiRequest& request) {
  auto body = ParseRequestObject(request);
  if (!body) {
    return StatusResponse(request, body.status());
  }
  if (auto members = store::CheckMembers(*body, {"Filters"}, "$"); !members.ok()) {
    return StatusResponse(request, members);
  }
  auto filters = store::ParseFilters(body->value("Filters", Json::object()), "$.Filters");
  if (!filters) {
    return StatusResponse(request, filters.status());
  }
  std::lock_guard lock(stores.mutex);
  auto count = stores.findings->Count(*filters);
  if (!count) {
    return StatusResponse(request, count.status());
  }
  return ApiResponse::Json(200, Json{{"Count", *count}});
}

// Returns the CreatedAt or UpdatedAt of the first finding sorted by `field` in `order`, or
// nullopt when the store contains no finding.
Result<std::optional<TimePoint>> EdgeTime(store::FindingStore& findings, const std::string& field,
                                          const char* order) {
  auto sort = store::ParseSortCriteria(Json::array({{{"Field", field}, {"SortOrder", order}}}));
  if (!sort) {
    return sort.status();
  }
  store::FindingQuery query;
  query.sort = std::move(*sort);
  query.max_results = 1;
  auto page = findings.List(query);
  if (!page) {
    return page.status();
  }
  if (page->findings.empty()) {
    return std::optional<TimePoint>();
  }
  auto time = ParseTimestamp(StringOr(page->findings.front(), field));
  if (!time) {
    return time.status();
  }
  return std::optional<TimePoint>(*time);
}

// Counts the findings whose `field` lies before `time`.
Result<std::int64_t> CountBefore(store::FindingStore& findings, const std::string& field,
                                 TimePoint time) {
  auto filters = store::ParseFilters(
      Json{{field, Json::array({{{"Start", "0001-01-01T00:00:00Z"},
                                 {"End", FormatMicros(time - std::chrono::microseconds(1))}}})}});
  if (!filters) {
    return filters.status();
  }
  return findings.Count(*filters);
}

// Counts the findings whose `field` lies in [start, end] by severity label.
Result<Json> BucketCounts(store::FindingStore& findings, const std::string& field, TimePoint start,
                          TimePoint end) {
  auto filters = store::ParseFilters(
      Json{{field, Json::array({{{"Start", FormatMicros(start)}, {"End", FormatMicros(end)}}})}});
  if (!filters) {
    return filters.status();
  }
  auto groups = findings.GroupBy(*filters, "SeverityLabel");
  if (!groups) {
    return groups.status();
  }
  Json counts = Json::object();
  for (const char* label : kSeverityLabels) {
    counts[label] = 0;
  }
  std::int64_t total = 0;
  for (const store::GroupCount& group : *groups) {
    counts[group.value] = group.count;
    total += group.count;
  }
  return Json{{"Start", FormatTimestamp(start)},
              {"End", FormatMicros(end)},
              {"Counts", counts},
              {"Total", total}};
}

struct SeriesRequest {
  std::string field = "CreatedAt";
  std::optional<BucketInterval> interval;  // nullopt: chosen from the span of the data
  std::optional<TimePoint> since;
};

Result<SeriesRequest> ParseSeriesRequest(const ApiRequest& request) {
  SeriesRequest series;
  if (const std::string field = QueryValue(request, "field"); !field.empty()) {
    if (field != "CreatedAt" && field != "UpdatedAt") {
      return InvalidArgument(
          fmt::format("field \"{}\" is invalid; use CreatedAt or UpdatedAt", field));
    }
    series.field = field;
  }
  if (const std::string interval = QueryValue(request, "interval");
      !interval.empty() && interval != "auto") {
    series.interval = ParseBucketInterval(interval);
    if (!series.interval) {
      return InvalidArgument(
          fmt::format("interval \"{}\" is invalid; use auto, day, week or month", interval));
    }
  }
  if (const std::string since = QueryValue(request, "since"); !since.empty()) {
    auto time = ParseTimestamp(since);
    if (!time) {
      return InvalidArgument(fmt::format(
          "since \"{}\" is invalid; use an RFC 3339 time such as 2026-01-31T00:00:00Z", since));
    }
    series.since = *time;
  }
  return series;
}

Result<Json> SeverityBuckets(store::FindingStore& findings, const SeriesRequest& series) {
  auto first = EdgeTime(findings, series.field, "asc");
  auto last = first ? EdgeTime(findings, series.field, "desc") : first;
  if (!first || !last) {
    return !first ? first.status() : last.status();
  }

  Json answer{{"Field", series.field}, {"Buckets", Json::array()}};
  TimePoint from = first->value_or(TimePoint());
  if (series.since && *series.since > from) {
    from = *series.since;
  }
  if (!first->has_value() || from > **last) {
    answer["Interval"] = BucketIntervalName(series.interval.value_or(BucketInterval::kDay));
    return answer;
  }

  const BucketInterval interval =
      series.interval.value_or(ChooseBucketInterval(from, **last, kAutoSeriesBuckets));
  answer["Interval"] = BucketIntervalName(interval);
  if (!series.interval) {
    // Even months can need more buckets than a chart shows, when findings span years or one
    // has a wrong date. The series then keeps the newest months, and EarlierTotal counts the
    // findings before them.
    const TimePoint window = FirstOfLastBuckets(**last, interval, kAutoSeriesBuckets);
    if (window > from) {
      from = window;
      auto earlier = CountBefore(findings, series.field, window);
      if (!earlier) {
        return earlier.status();
      }
      answer["EarlierTotal"] = *earlier;
    }
  }
  auto starts = BucketStarts(from, **last, interval, kMaxSeriesBuckets);
  if (!starts) {
    return starts.status();
  }

  for (TimePoint start : *starts) {
    const TimePoint end = NextBucketStart(start, interval) - std::chrono::microseconds(1);
    auto bucket = BucketCounts(findings, series.field, start, end);
    if (!bucket) {
      return bucket.status();
    }
    answer["Buckets"].push_back(std::move(*bucket));
  }
  return answer;
}

ApiResponse SeveritySeries(ApiStores& stores, const ApiRequest& request) {
  auto series = ParseSeriesRequest(request);
  if (!series) {
    return StatusResponse(request, series.status());
  }
  std::lock_guard lock(stores.mutex);
  auto answer = SeverityBuckets(*stores.findings, *series);
  if (!answer) {
    return StatusResponse(request, answer.status());
  }
  return ApiResponse::Json(200, *answer);
}

// Reads every ACTIVE finding, page by page, as `rampart compliance summary` does.
Result<std::vector<Json>> ActiveFindings(store::FindingStore& findings) {
  auto filters =
      store::ParseFilters({{"RecordState", {{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}}}});
  if (!filters) {
    return filters.status();
  }
  std::vector<Json> all;
  store::FindingQuery query{*filters, {}, store::kMaxPageSize, ""};
  do {
    auto page = findings.List(query);
    if (!page) {
      return page.status();
    }
    for (Json& finding : page->findings) {
      all.push_back(std::move(finding));
    }
    query.next_token = page->next_token;
  } while (!query.next_token.empty());
  return all;
}

ApiResponse ComplianceSummary(ApiStores& stores, const ApiRequest& request) {
  std::vector<Json> findings;
  {
    std::lock_guard lock(stores.mutex);
    auto active = ActiveFindings(*stores.findings);
    if (!active) {
      return StatusResponse(request, active.status());
    }
    findings = std::move(*active);
  }
  const auto summaries = posture::SummarizeCompliance(findings);
  return ApiResponse::Json(200, Json{{"Standards", posture::ComplianceSummaryJson(summaries)}});
}

}  // namespace

void AddInsightRoutes(HttpServer& server, ApiStores& stores) {
  server.Route("GET", "/v1/findings/history", Scope::kRead,
               [&stores](const ApiRequest& request) { return History(stores, request); });
  server.Route("POST", "/v1/findings/count", Scope::kRead,
               [&stores](const ApiRequest& request) { return Count(stores, request); });
  server.Route("GET", "/v1/findings/severity-series", Scope::kRead,
               [&stores](const ApiRequest& request) { return SeveritySeries(stores, request); });
  server.Route("GET", "/v1/compliance/summary", Scope::kRead,
               [&stores](const ApiRequest& request) { return ComplianceSummary(stores, request); });
}

}  // namespace rampart::server
