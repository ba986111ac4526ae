#include "store/postgres_schema.h"

namespace rampart::store::postgres {
namespace {

// Append new migrations at the end; never edit one that has shipped.
constexpr Migration kMigrations[] = {
    {1, R"sql(
-- Typed views of a JSONB value, NULL when the value has another type, so a filter on a
-- document field never fails on a finding whose field has an unexpected type.
CREATE FUNCTION rampart_text(value JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(value) = 'string' THEN value #>> '{}' END $$;
CREATE FUNCTION rampart_number(value JSONB) RETURNS DOUBLE PRECISION LANGUAGE sql IMMUTABLE
PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::DOUBLE PRECISION END $$;
CREATE FUNCTION rampart_bool(value JSONB) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(value) = 'boolean' THEN (value #>> '{}')::BOOLEAN END $$;
-- The value itself when it is an array or an object, and an empty one otherwise, for
-- jsonb_array_elements and jsonb_each.
CREATE FUNCTION rampart_array(value JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(value) = 'array' THEN value ELSE '[]'::JSONB END $$;
CREATE FUNCTION rampart_object(value JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(value) = 'object' THEN value ELSE '{}'::JSONB END $$;

-- Microseconds since the Unix epoch of an RFC 3339 timestamp, with the grammar of
-- rampart::ParseTimestamp: a date, an optional time after 'T', 't' or ' ', an optional
-- fraction (digits after the sixth ignored) and an optional 'Z' or +hh[:]mm offset. NULL for
-- anything else, including dates that do not exist.
CREATE FUNCTION rampart_micros(value TEXT) RETURNS BIGINT LANGUAGE plpgsql IMMUTABLE
PARALLEL SAFE AS $$
DECLARE
  parts TEXT[];
  year INTEGER;
  month INTEGER;
  day INTEGER;
  micros BIGINT;
  offset_minutes INTEGER := 0;
BEGIN
  parts := regexp_match(value, '^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2}))?'
                               '(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$');
  IF parts IS NULL THEN
    RETURN NULL;
  END IF;
  year := parts[1]::INTEGER;
  month := parts[2]::INTEGER;
  day := parts[3]::INTEGER;
  IF year < 1 OR month < 1 OR month > 12 OR day < 1 OR
     day > extract(day FROM make_date(year, month, 1) + INTERVAL '1 month - 1 day') OR
     coalesce(parts[4]::INTEGER, 0) > 23 OR coalesce(parts[5]::INTEGER, 0) > 59 OR
     coalesce(parts[6]::INTEGER, 0) > 60 THEN
    RETURN NULL;
  END IF;
  micros := (make_date(year, month, day) - DATE '1970-01-01')::BIGINT * 86400000000 +
            coalesce(parts[4]::BIGINT, 0) * 3600000000 + coalesce(parts[5]::BIGINT, 0) * 60000000 +
            coalesce(parts[6]::BIGINT, 0) * 1000000;
  IF parts[7] IS NOT NULL THEN
    micros := micros + rpad(left(parts[7], 6), 6, '0')::BIGINT;
  END IF;
  IF parts[9] IS NOT NULL THEN
    offset_minutes := parts[10]::INTEGER * 60 + parts[11]::INTEGER;
    IF parts[9] = '-' THEN
      offset_minutes := -offset_minutes;
    END IF;
  END IF;
  RETURN micros - offset_minutes::BIGINT * 60000000;
END
$$;

-- True when `address`, a bare IPv4 or IPv6 address, lies in `network` (CIDR notation, or a
-- bare address for a single host). False for invalid text and across address families.
CREATE FUNCTION rampart_cidr_contains(network TEXT, address TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF address IS NULL OR strpos(address, '/') > 0 THEN
    RETURN FALSE;
  END IF;
  RETURN family(network::INET) = family(address::INET) AND network::INET >>= address::INET;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN FALSE;
END
$$;

-- One row per finding: the ASFF document as JSONB, and copies of the attributes that filters,
-- sorting and rules use most, each indexed. Timestamps are microseconds since the Unix
-- epoch. A missing text attribute is stored as ''. Text columns use the "C" collation, so
-- comparisons and sorting are by bytes as in the SQLite store, whatever the database locale.
CREATE TABLE findings (
  seq BIGSERIAL PRIMARY KEY,
  product_arn TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  generator_id TEXT COLLATE "C" NOT NULL,
  aws_account_id TEXT COLLATE "C" NOT NULL,
  severity_label TEXT COLLATE "C" NOT NULL,
  severity_normalized DOUBLE PRECISION NOT NULL,
  workflow_status TEXT COLLATE "C" NOT NULL,
  record_state TEXT COLLATE "C" NOT NULL,
  compliance_status TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  customer_fields INTEGER NOT NULL DEFAULT 0,
  document JSONB NOT NULL,
  UNIQUE (product_arn, id)
);
CREATE INDEX findings_id ON findings (id);
-- Equality filters on these columns usually come with the default sort, newest first.
CREATE INDEX findings_product_arn ON findings (product_arn, updated_at);
CREATE INDEX findings_severity_label ON findings (severity_label, updated_at);
CREATE INDEX findings_severity_normalized ON findings (severity_normalized, updated_at);
CREATE INDEX findings_workflow_status ON findings (workflow_status, updated_at);
CREATE INDEX findings_record_state ON findings (record_state, updated_at);
CREATE INDEX findings_compliance_status ON findings (compliance_status, updated_at);
CREATE INDEX findings_aws_account_id ON findings (aws_account_id, updated_at);
CREATE INDEX findings_generator_id ON findings (generator_id, updated_at);
CREATE INDEX findings_updated_at ON findings (updated_at, seq);
CREATE INDEX findings_created_at ON findings (created_at, seq);

-- Resources[] and Vulnerabilities[] as rows, for filters on resource type, resource id and
-- vulnerability id.
CREATE TABLE finding_resources (
  finding_seq BIGINT NOT NULL REFERENCES findings (seq) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (finding_seq, position)
);
CREATE INDEX finding_resources_type ON finding_resources (type, finding_seq);
CREATE INDEX finding_resources_id ON finding_resources (id, finding_seq);
CREATE TABLE finding_vulnerabilities (
  finding_seq BIGINT NOT NULL REFERENCES findings (seq) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  vulnerability_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (finding_seq, position)
);
CREATE INDEX finding_vulnerabilities_id ON finding_vulnerabilities (vulnerability_id, finding_seq);

-- Every accepted change, the creation included, in the shape of Security Hub's finding
-- history. `updates` is a JSON array of {"UpdatedField", "OldValue", "NewValue"}.
CREATE TABLE finding_history (
  seq BIGSERIAL PRIMARY KEY,
  finding_seq BIGINT NOT NULL REFERENCES findings (seq) ON DELETE CASCADE,
  update_time BIGINT NOT NULL,
  source_type TEXT NOT NULL,
  identity TEXT NOT NULL,
  finding_created BOOLEAN NOT NULL,
  updates JSONB NOT NULL
);
CREATE INDEX finding_history_finding ON finding_history (finding_seq, seq);

-- EventBridge events written in the transaction of the change they describe, as text. A
-- BIGSERIAL sequence is never reused, also after delivered events are pruned.
CREATE TABLE outbox (
  sequence BIGSERIAL PRIMARY KEY,
  event_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  event TEXT NOT NULL,
  claimed_by TEXT,
  claimed_until BIGINT,
  delivered_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (sequence) WHERE delivered_at IS NULL;
CREATE INDEX outbox_delivered ON outbox (created_at) WHERE delivered_at IS NOT NULL;
)sql"},
    {2, R"sql(
-- The store's identity, drawn once at random: every process that opens the store reads the
-- same value, and the names of the store's NATS stream include it.
CREATE TABLE store_identity (id TEXT NOT NULL);
INSERT INTO store_identity VALUES (replace(gen_random_uuid()::TEXT, '-', ''));
)sql"},
};

}  // namespace

std::span<const Migration> FindingMigrations() { return kMigrations; }

}  // namespace rampart::store::postgres
