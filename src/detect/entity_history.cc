#include "detect/entity_history.h"

#include "detect/byte_codec.h"

namespace rampart::detect {
namespace {

constexpr std::uint32_t kEntityKinds = 4;

void PutHashes(const std::vector<std::uint64_t>& hashes, ByteWriter& writer) {
  writer.PutU64(hashes.size());
  for (const std::uint64_t hash : hashes) {
    writer.PutU64(hash);
  }
}

bool GetHashes(ByteReader& reader, std::vector<std::uint64_t>& hashes) {
  std::uint64_t count = 0;
  if (!reader.GetU64(count) || count > reader.remaining() / 8) {
    return false;
  }
  hashes.resize(count);
  for (std::uint64_t& hash : hashes) {
    reader.GetU64(hash);
  }
  return reader.ok();
}

}  // namespace

std::string EncodeEntityHistory(const std::vector<EntityHistory>& history) {
  ByteWriter writer;
  writer.PutU64(history.size());
  for (const EntityHistory& used : history) {
    writer.PutU32(static_cast<std::uint32_t>(used.kind));
    writer.PutString(used.entity);
    PutHashes(used.actions, writer);
    PutHashes(used.source_ips, writer);
    PutHashes(used.user_agents, writer);
  }
  return writer.Take();
}

Result<std::vector<EntityHistory>> DecodeEntityHistory(std::string_view bytes) {
  ByteReader reader(bytes);
  std::uint64_t count = 0;
  // Each entity takes at least 32 bytes: its kind, name length and three list counts.
  if (!reader.GetU64(count) || count > reader.remaining() / 32) {
    return InvalidArgument("the entity history has an invalid entity count");
  }
  std::vector<EntityHistory> history(count);
  for (EntityHistory& used : history) {
    std::uint32_t kind = 0;
    if (!reader.GetU32(kind) || kind >= kEntityKinds) {
      return InvalidArgument("the entity history names an unknown entity kind");
    }
    used.kind = static_cast<EntityKind>(kind);
    if (!reader.GetString(used.entity, reader.remaining()) || !GetHashes(reader, used.actions) ||
        !GetHashes(reader, used.source_ips) || !GetHashes(reader, used.user_agents)) {
      return InvalidArgument("the entity history is truncated");
    }
  }
  if (reader.remaining() != 0) {
    return InvalidArgument("the entity history has bytes after its last entity");
  }
  return history;
}

}  // namespace rampart::detect
