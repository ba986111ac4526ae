// The HTTP client of src/net under the names remediation actions use.
#pragma once

#include "net/http_client.h"

namespace rampart::remediate {

using net::HttpRequest;
using net::HttpResponse;
using net::ParseHttpUrl;
using net::SendHttp;
using net::UrlEncode;
using net::UrlParts;

}  // namespace rampart::remediate
