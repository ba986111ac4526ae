// Image references and tag ordering from src/oci under the names remediation actions use.
#pragma once

#include "oci/image_ref.h"

namespace rampart::remediate {

using oci::CompareTags;
using oci::ImageRef;
using oci::ParseImageRef;
using oci::ParseTagConstraint;
using oci::SelectNewerTag;
using oci::TagConstraint;

}  // namespace rampart::remediate
