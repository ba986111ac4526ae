// The OCI registry client of src/oci under the names remediation actions use.
#pragma once

#include "oci/registry_client.h"
#include "remediate/http_client.h"

namespace rampart::remediate {

using oci::ListTags;
using oci::NextLink;
using oci::RegistryClientOptions;
using oci::ResolveTagDigest;

}  // namespace rampart::remediate
