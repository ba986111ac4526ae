#include "core/clock.h"
#include "store/finding_store.h"

namespace rampart::store {

Json FieldChangesJson(const std::vector<FieldChange>& changes) {
  Json list = Json::array();
  for (const FieldChange& change : changes) {
    list.push_back({{"UpdatedField", change.field},
                    {"OldValue", change.old_value},
                    {"NewValue", change.new_value}});
  }
  return list;
}

Json HistoryJson(const FindingKey& key, const std::vector<HistoryRecord>& records) {
  Json list = Json::array();
  for (const auto& record : records) {
    list.push_back({{"FindingIdentifier", {{"Id", key.id}, {"ProductArn", key.product_arn}}},
                    {"UpdateTime", FormatTimestamp(record.update_time)},
                    {"FindingCreated", record.finding_created},
                    {"UpdateSource",
                     {{"Type", UpdateSourceName(record.source)}, {"Identity", record.identity}}},
                    {"Updates", FieldChangesJson(record.updates)}});
  }
  return Json{{"Records", list}};
}

}  // namespace rampart::store
