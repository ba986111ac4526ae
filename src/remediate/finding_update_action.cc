#include "remediate/finding_update_action.h"

#include <fmt/format.h>

#include "finding/severity.h"
#include "remediate/job_template.h"
#include "remediate/params.h"

namespace rampart::remediate {

namespace {

constexpr std::string_view kName = "finding.update";
constexpr std::size_t kMaxNoteLength = 512;

Result<FindingUpdate> ParseUpdate(const Json& params) {
  Params reader(params, kName);
  RAMPART_RETURN_IF_ERROR(
      reader.CheckKeys({"workflow_status", "note", "note_updated_by", "severity"}));
  FindingUpdate update;
  REMEDIATE_ASSIGN_OR_RETURN(update.workflow_status, reader.OptionalString("workflow_status"));
  REMEDIATE_ASSIGN_OR_RETURN(update.note_text, reader.OptionalString("note"));
  REMEDIATE_ASSIGN_OR_RETURN(update.note_updated_by, reader.OptionalString("note_updated_by"));
  REMEDIATE_ASSIGN_OR_RETURN(update.severity_label, reader.OptionalString("severity"));
  if (update.workflow_status && *update.workflow_status != "NEW" &&
      *update.workflow_status != "NOTIFIED" && *update.workflow_status != "RESOLVED" &&
      *update.workflow_status != "SUPPRESSED") {
    return InvalidArgument(fmt::format(
        "finding.update: workflow_status '{}' is invalid; use NEW, NOTIFIED, RESOLVED or "
        "SUPPRESSED",
        *update.workflow_status));
  }
  if (update.severity_label) {
    const auto label = finding::ParseLabel(*update.severity_label);
    if (!label) {
      return InvalidArgument(fmt::format(
          "finding.update: severity '{}' is invalid; use INFORMATIONAL, LOW, MEDIUM, HIGH or "
          "CRITICAL",
          *update.severity_label));
    }
    update.severity_label = std::string(finding::LabelName(*label));
  }
  if (!update.workflow_status && !update.note_text && !update.severity_label) {
    return InvalidArgument(
        "finding.update: give at least one of workflow_status, note and severity");
  }
  if (update.note_text && !update.note_updated_by) {
    update.note_updated_by = "rampart";
  }
  return update;
}

void Compare(std::string& diff, std::string_view field, const Json& finding, std::string_view path,
             const std::optional<std::string>& value) {
  if (!value) {
    return;
  }
  const Json* current = LookupPath(finding, path);
  const std::string before =
      current != nullptr && current->is_string() ? current->get<std::string>() : "";
  if (before != *value) {
    diff += fmt::format("{}: {} -> {}\n", field, before.empty() ? "(none)" : before, *value);
  }
}

class FindingUpdateAction final : public Action {
 public:
  std::string_view Name() const override { return kName; }

  Status Validate(const Json& params) const override {
    auto update = ParseUpdate(params);
    return update.has_value() ? Status::Ok() : update.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    REMEDIATE_ASSIGN_OR_RETURN(FindingUpdate update, ParseUpdate(request.params));
    if (update.note_text) {
      REMEDIATE_ASSIGN_OR_RETURN(const Json note, FillPlaceholders(Json(*update.note_text),
                                                                   request.finding, request.event));
      update.note_text = note.get<std::string>();
      if (update.note_text->size() > kMaxNoteLength) {
        return InvalidArgument(fmt::format(
            "finding.update: the note has {} characters after filling; ASFF allows at most {}",
            update.note_text->size(), kMaxNoteLength));
      }
    }
    ActionResult result;
    Compare(result.diff, "Workflow.Status", request.finding, "Workflow.Status",
            update.workflow_status);
    Compare(result.diff, "Note.Text", request.finding, "Note.Text", update.note_text);
    Compare(result.diff, "Severity.Label", request.finding, "Severity.Label",
            update.severity_label);
    const std::string id = StringOr(request.finding, "Id");
    if (result.diff.empty()) {
      result.summary = fmt::format("finding {} already has these values", id);
      return result;
    }
    if (request.dry_run) {
      result.summary = fmt::format("would update finding {}", id);
      return result;
    }
    if (!context.finding_updater) {
      return FailedPrecondition("finding.update: no finding store is connected to the actions");
    }
    RAMPART_RETURN_IF_ERROR(context.finding_updater(request.finding, update));
    result.changed = true;
    result.summary = fmt::format("updated finding {}", id);
    return result;
  }
};

}  // namespace

std::unique_ptr<Action> MakeFindingUpdateAction() {
  return std::make_unique<FindingUpdateAction>();
}

}  // namespace rampart::remediate
