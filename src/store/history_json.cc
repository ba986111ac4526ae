#include "core/clock.h"
#include "store/finding_store.h"

namespace rampart::store {

Json HistoryJson(const FindingKey& key, const std::vector<HistoryRecord>& records) {
  Json list = Json::array();
  for (const auto& record : records) {
    Json updates = Json::array();
    for (const auto& change : record.updates) {
      updates.push_back({{"UpdatedField", change.field},
                         {"OldValue", change.old_value},
                         {"NewValue", change.new_value}});
    }
    list.push_back({{"FindingIdentifier", {{"Id", key.id}, {"ProductArn", key.product_arn}}},
                    {"UpdateTime", FormatTimestamp(record.update_time)},
                    {"FindingCreated", record.finding_created},
                    {"UpdateSource",
                     {{"Type", UpdateSourceName(record.source)}, {"Identity", record.identity}}},
                    {"Updates", updates}});
  }
  return Json{{"Records", list}};
}

}  // namespace rampart::store
