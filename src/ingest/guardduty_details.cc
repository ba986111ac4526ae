#include "ingest/guardduty_details.h"

#include <string_view>

#include <fmt/format.h>

#include "ingest/field_mapping.h"

namespace rampart::ingest::detail {
namespace {

constexpr std::size_t kMaxTagKeyBytes = 128;
constexpr std::size_t kMaxTagValueBytes = 256;

Json BaseResource(std::string_view type, std::string id, const AwsLocation& location) {
  return {{"Type", type},
          {"Id", std::move(id)},
          {"Partition", location.partition},
          {"Region", location.region}};
}

// Converts GuardDuty's [{"key": K, "value": V}] tags to the ASFF map {K: V}.
void AddTags(const Json& details, Json& resource) {
  const Json* tags = ArrayMember(details, "tags");
  if (tags == nullptr) {
    return;
  }
  Json map = Json::object();
  for (const Json& tag : *tags) {
    const std::string_view key = StringMember(tag, "key");
    if (!key.empty() && map.size() < kMaxResourceTags) {
      map[Truncate(key, kMaxTagKeyBytes)] = Truncate(StringMember(tag, "value"), kMaxTagValueBytes);
    }
  }
  if (!map.empty()) {
    resource["Tags"] = std::move(map);
  }
}

Json Ec2Instance(const Json& instance, const AwsLocation& location) {
  const std::string_view instance_id = StringMember(instance, "instanceId");
  Json resource = BaseResource("AwsEc2Instance",
                               fmt::format("arn:{}:ec2:{}:{}:instance/{}", location.partition,
                                           location.region, location.account, instance_id),
                               location);

  Json details = Json::object();
  SetIfNotEmpty(details, "Type", StringMember(instance, "instanceType"));
  SetIfNotEmpty(details, "ImageId", StringMember(instance, "imageId"));
  if (const Json* profile = ObjectMember(instance, "iamInstanceProfile")) {
    SetIfNotEmpty(details, "IamInstanceProfileArn", StringMember(*profile, "arn"));
  }
  if (const Json* launch = Member(instance, "launchTime")) {
    if (auto launched_at = TimestampFromJson(*launch)) {
      details["LaunchedAt"] = *launched_at;
    }
  }

  Json addresses = Json::array();
  if (const Json* interfaces = ArrayMember(instance, "networkInterfaces")) {
    for (const Json& interface : *interfaces) {
      SetIfNotEmpty(details, "VpcId", StringMember(interface, "vpcId"));
      SetIfNotEmpty(details, "SubnetId", StringMember(interface, "subnetId"));
      for (const char* key : {"privateIpAddress", "publicIp"}) {
        if (const std::string_view address = StringMember(interface, key); !address.empty()) {
          addresses.push_back(address);
        }
      }
    }
  }
  if (!addresses.empty()) {
    details["IpV4Addresses"] = std::move(addresses);
  }

  resource["Details"]["AwsEc2Instance"] = std::move(details);
  AddTags(instance, resource);
  return resource;
}

Json AccessKey(const Json& key, const AwsLocation& location) {
  Json resource = BaseResource(
      "AwsIamAccessKey", fmt::format("AWS::IAM::AccessKey:{}", StringMember(key, "accessKeyId")),
      location);
  Json details = Json::object();
  SetIfNotEmpty(details, "PrincipalId", StringMember(key, "principalId"));
  SetIfNotEmpty(details, "PrincipalType", StringMember(key, "userType"));
  SetIfNotEmpty(details, "PrincipalName", StringMember(key, "userName"));
  resource["Details"]["AwsIamAccessKey"] = std::move(details);
  return resource;
}

Json S3Bucket(const Json& bucket, const AwsLocation& location) {
  const std::string_view arn = StringMember(bucket, "arn");
  const std::string_view name = StringMember(bucket, "name");
  Json resource = BaseResource(
      "AwsS3Bucket",
      arn.empty() ? fmt::format("arn:{}:s3:::{}", location.partition, name) : std::string(arn),
      location);
  Json details = Json::object();
  if (const Json* owner = ObjectMember(bucket, "owner")) {
    SetIfNotEmpty(details, "OwnerId", StringMember(*owner, "id"));
  }
  if (const Json* created = Member(bucket, "createdAt")) {
    if (auto created_at = TimestampFromJson(*created)) {
      details["CreatedAt"] = *created_at;
    }
  }
  resource["Details"]["AwsS3Bucket"] = std::move(details);
  AddTags(bucket, resource);
  return resource;
}

// Returns a resource whose Id is the ARN at `arn_key` of `details`, or null when absent.
Json ArnResource(const Json* details, std::string_view arn_key, std::string_view type,
                 const AwsLocation& location) {
  const std::string_view arn = details == nullptr ? "" : StringMember(*details, arn_key);
  if (arn.empty()) {
    return nullptr;
  }
  Json resource = BaseResource(type, std::string(arn), location);
  Json other = Json::object();
  SetOtherDetail(other, "Name", StringMember(*details, "name"));
  if (!other.empty()) {
    resource["Details"]["Other"] = std::move(other);
  }
  return resource;
}

Json ContainerResource(const Json* container, const AwsLocation& location) {
  const std::string_view id = container == nullptr ? "" : StringMember(*container, "id");
  if (id.empty()) {
    return nullptr;
  }
  Json resource = BaseResource("Container", std::string(id), location);
  Json details = Json::object();
  SetIfNotEmpty(details, "Name", StringMember(*container, "name"));
  SetIfNotEmpty(details, "ImageName", StringMember(*container, "image"));
  resource["Details"]["Container"] = std::move(details);
  return resource;
}

void AppendIfResource(Json resource, Json& resources) {
  if (!resource.is_null() && resources.size() < kMaxResources) {
    resources.push_back(std::move(resource));
  }
}

void SetIfPresent(Json& object, std::string_view key, Json value) {
  if (!value.is_null() && !(value.is_object() && value.empty())) {
    object[std::string(key)] = std::move(value);
  }
}

Json IpDetails(const Json& remote) {
  Json details = Json::object();
  SetIfNotEmpty(details, "IpAddressV4", StringMember(remote, "ipAddressV4"));
  if (const Json* organization = ObjectMember(remote, "organization")) {
    Json out = Json::object();
    if (auto asn = IntegerMember(*organization, "asn")) {
      out["Asn"] = *asn;
    }
    SetIfNotEmpty(out, "AsnOrg", StringMember(*organization, "asnOrg"));
    SetIfNotEmpty(out, "Isp", StringMember(*organization, "isp"));
    SetIfNotEmpty(out, "Org", StringMember(*organization, "org"));
    details["Organization"] = std::move(out);
  }
  if (const Json* country = ObjectMember(remote, "country")) {
    Json out = Json::object();
    SetIfNotEmpty(out, "CountryCode", StringMember(*country, "countryCode"));
    SetIfNotEmpty(out, "CountryName", StringMember(*country, "countryName"));
    details["Country"] = std::move(out);
  }
  if (const Json* city = ObjectMember(remote, "city")) {
    SetIfPresent(details, "City", Json{{"CityName", StringMember(*city, "cityName")}});
  }
  if (const Json* geo = ObjectMember(remote, "geoLocation")) {
    Json out = Json::object();
    for (const auto& [from, to] : {std::pair{"lat", "Lat"}, std::pair{"lon", "Lon"}}) {
      if (auto value = NumberMember(*geo, from)) {
        out[to] = *value;
      }
    }
    details["GeoLocation"] = std::move(out);
  }
  return details;
}

// Returns {"Port": N, "PortName": S} for a port in 0-65535, or null.
Json PortDetails(const Json* port_details) {
  if (port_details == nullptr) {
    return nullptr;
  }
  const auto port = IntegerMember(*port_details, "port");
  Json out = Json::object();
  if (port && *port >= 0 && *port <= 65535) {
    out["Port"] = *port;
  }
  SetIfNotEmpty(out, "PortName", StringMember(*port_details, "portName"));
  return out.empty() ? Json(nullptr) : out;
}

void SetBlocked(const Json& from, Json& to) {
  if (const Json* blocked = Member(from, "blocked"); blocked != nullptr && blocked->is_boolean()) {
    to["Blocked"] = blocked->get<bool>();
  }
}

// Fills Action.NetworkConnectionAction and the Network object. For an INBOUND connection the
// remote host is the source; for an OUTBOUND one it is the destination.
void AddNetworkConnection(const Json& connection, Json& finding) {
  Json action = Json::object();
  const std::string_view direction = StringMember(connection, "connectionDirection");
  SetIfNotEmpty(action, "ConnectionDirection", direction);
  SetIfNotEmpty(action, "Protocol", StringMember(connection, "protocol"));
  SetBlocked(connection, action);
  const Json* remote = ObjectMember(connection, "remoteIpDetails");
  if (remote != nullptr) {
    action["RemoteIpDetails"] = IpDetails(*remote);
  }
  Json remote_port = PortDetails(ObjectMember(connection, "remotePortDetails"));
  Json local_port = PortDetails(ObjectMember(connection, "localPortDetails"));
  SetIfPresent(action, "RemotePortDetails", remote_port);
  SetIfPresent(action, "LocalPortDetails", local_port);
  finding["Action"]["NetworkConnectionAction"] = std::move(action);

  const bool inbound = direction == "INBOUND";
  Json network = Json::object();
  if (direction == "INBOUND" || direction == "OUTBOUND") {
    network["Direction"] = inbound ? "IN" : "OUT";
  }
  SetIfNotEmpty(network, "Protocol", StringMember(connection, "protocol"));
  const std::string_view remote_ip = remote == nullptr ? "" : StringMember(*remote, "ipAddressV4");
  std::string_view local_ip;
  if (const Json* local = ObjectMember(connection, "localIpDetails")) {
    local_ip = StringMember(*local, "ipAddressV4");
  }
  SetIfNotEmpty(network, inbound ? "SourceIpV4" : "DestinationIpV4", remote_ip);
  SetIfNotEmpty(network, inbound ? "DestinationIpV4" : "SourceIpV4", local_ip);
  if (const Json* port = remote_port.is_object() ? Member(remote_port, "Port") : nullptr) {
    network[inbound ? "SourcePort" : "DestinationPort"] = *port;
  }
  if (const Json* port = local_port.is_object() ? Member(local_port, "Port") : nullptr) {
    network[inbound ? "DestinationPort" : "SourcePort"] = *port;
  }
  if (!network.empty()) {
    finding["Network"] = std::move(network);
  }
}

void AddApiCall(const Json& call, Json& finding) {
  Json action = Json::object();
  SetIfNotEmpty(action, "Api", StringMember(call, "api"));
  SetIfNotEmpty(action, "ServiceName", StringMember(call, "serviceName"));
  SetIfNotEmpty(action, "CallerType", StringMember(call, "callerType"));
  if (const Json* remote = ObjectMember(call, "remoteIpDetails")) {
    action["RemoteIpDetails"] = IpDetails(*remote);
  }
  if (const Json* domain = ObjectMember(call, "domainDetails")) {
    SetIfPresent(action, "DomainDetails", Json{{"Domain", StringMember(*domain, "domain")}});
  }
  if (const Json* affected = ObjectMember(call, "affectedResources")) {
    Json map = Json::object();
    for (const auto& [key, value] : affected->items()) {
      if (value.is_string()) {
        map[key] = value;
      }
    }
    SetIfPresent(action, "AffectedResources", std::move(map));
  }
  finding["Action"]["AwsApiCallAction"] = std::move(action);
}

void AddDnsRequest(const Json& request, Json& finding) {
  Json action = Json::object();
  const std::string_view domain = StringMember(request, "domain");
  SetIfNotEmpty(action, "Domain", domain);
  SetIfNotEmpty(action, "Protocol", StringMember(request, "protocol"));
  SetBlocked(request, action);
  finding["Action"]["DnsRequestAction"] = std::move(action);
  if (!domain.empty()) {
    finding["Network"] = {{"Direction", "OUT"}, {"DestinationDomain", domain}};
  }
}

void AddPortProbe(const Json& probe, Json& finding) {
  Json action = Json::object();
  SetBlocked(probe, action);
  Json details = Json::array();
  if (const Json* probes = ArrayMember(probe, "portProbeDetails")) {
    for (const Json& entry : *probes) {
      Json out = Json::object();
      SetIfPresent(out, "LocalPortDetails", PortDetails(ObjectMember(entry, "localPortDetails")));
      if (const Json* local = ObjectMember(entry, "localIpDetails")) {
        SetIfPresent(out, "LocalIpDetails",
                     Json{{"IpAddressV4", StringMember(*local, "ipAddressV4")}});
      }
      if (const Json* remote = ObjectMember(entry, "remoteIpDetails")) {
        out["RemoteIpDetails"] = IpDetails(*remote);
      }
      details.push_back(std::move(out));
    }
  }
  action["PortProbeDetails"] = std::move(details);
  finding["Action"]["PortProbeAction"] = std::move(action);
  finding["Network"] = {{"Direction", "IN"}};
}

}  // namespace

Json GuardDutyResources(const Json& resource, const AwsLocation& location) {
  const std::string_view type = StringMember(resource, "resourceType");
  Json resources = Json::array();
  if (type == "Instance") {
    if (const Json* instance = ObjectMember(resource, "instanceDetails")) {
      AppendIfResource(Ec2Instance(*instance, location), resources);
    }
  } else if (type == "AccessKey") {
    if (const Json* key = ObjectMember(resource, "accessKeyDetails")) {
      AppendIfResource(AccessKey(*key, location), resources);
    }
  } else if (type == "S3Bucket") {
    if (const Json* buckets = ArrayMember(resource, "s3BucketDetails")) {
      for (const Json& bucket : *buckets) {
        AppendIfResource(S3Bucket(bucket, location), resources);
      }
    }
    if (const Json* key = ObjectMember(resource, "accessKeyDetails")) {
      AppendIfResource(AccessKey(*key, location), resources);
    }
  } else if (type == "EKSCluster") {
    AppendIfResource(
        ArnResource(ObjectMember(resource, "eksClusterDetails"), "arn", "AwsEksCluster", location),
        resources);
  } else if (type == "Lambda") {
    AppendIfResource(ArnResource(ObjectMember(resource, "lambdaDetails"), "functionArn",
                                 "AwsLambdaFunction", location),
                     resources);
  } else if (type == "RDSDBInstance") {
    AppendIfResource(ArnResource(ObjectMember(resource, "rdsDbInstanceDetails"), "dbInstanceArn",
                                 "AwsRdsDbInstance", location),
                     resources);
  } else if (type == "ECSCluster") {
    AppendIfResource(
        ArnResource(ObjectMember(resource, "ecsClusterDetails"), "arn", "AwsEcsCluster", location),
        resources);
  } else if (type == "Container") {
    AppendIfResource(ContainerResource(ObjectMember(resource, "containerDetails"), location),
                     resources);
  }
  if (resources.empty()) {
    Json account =
        BaseResource("AwsAccount", fmt::format("AWS::::Account:{}", location.account), location);
    if (!type.empty()) {
      SetOtherDetail(account["Details"]["Other"], "GuardDutyResourceType", type);
    }
    resources.push_back(std::move(account));
  }
  return resources;
}

void AddGuardDutyAction(const Json& action, Json& finding) {
  const std::string_view type = StringMember(action, "actionType");
  const auto add = [&](std::string_view key, void (*fill)(const Json&, Json&)) {
    const Json* details = ObjectMember(action, key);
    finding["Action"]["ActionType"] = type;
    if (details != nullptr) {
      fill(*details, finding);
    }
  };
  if (type == "NETWORK_CONNECTION") {
    add("networkConnectionAction", AddNetworkConnection);
  } else if (type == "AWS_API_CALL") {
    add("awsApiCallAction", AddApiCall);
  } else if (type == "DNS_REQUEST") {
    add("dnsRequestAction", AddDnsRequest);
  } else if (type == "PORT_PROBE") {
    add("portProbeAction", AddPortProbe);
  }
}

}  // namespace rampart::ingest::detail
