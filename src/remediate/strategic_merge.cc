#include "remediate/strategic_merge.h"

#include <string_view>

namespace rampart::remediate {

namespace {

const char* MergeKey(std::string_view field) {
  for (std::string_view named :
       {"containers", "initContainers", "ephemeralContainers", "volumes", "volumeMounts", "env"}) {
    if (field == named) {
      return "name";
    }
  }
  return field == "ports" ? "containerPort" : nullptr;
}

Json MergeList(Json target, const Json& patch, const char* key) {
  if (!target.is_array()) {
    target = Json::array();
  }
  for (const Json& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      continue;
    }
    const bool remove = item.value("$patch", "") == "delete";
    bool found = false;
    for (auto it = target.begin(); it != target.end(); ++it) {
      if (it->is_object() && it->contains(key) && (*it)[key] == item[key]) {
        found = true;
        if (remove) {
          target.erase(it);
        } else {
          *it = StrategicMerge(*it, item);
        }
        break;
      }
    }
    if (!found && !remove) {
      target.push_back(StrategicMerge(Json::object(), item));
    }
  }
  return target;
}

}  // namespace

Json StrategicMerge(Json target, const Json& patch) {
  if (!patch.is_object()) {
    return patch;
  }
  if (!target.is_object()) {
    target = Json::object();
  }
  for (const auto& [field, value] : patch.items()) {
    if (field == "$patch") {
      continue;
    }
    if (value.is_null()) {
      target.erase(field);
      continue;
    }
    const char* key = MergeKey(field);
    if (key != nullptr && value.is_array()) {
      target[field] = MergeList(target.contains(field) ? target[field] : Json(), value, key);
    } else if (value.is_object()) {
      target[field] = StrategicMerge(target.contains(field) ? target[field] : Json(), value);
    } else {
      target[field] = value;
    }
  }
  return target;
}

}  // namespace rampart::remediate
