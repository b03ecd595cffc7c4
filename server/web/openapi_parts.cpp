#include "server/web/openapi_parts.h"

namespace swapi::server {

nlohmann::json json_content(nlohmann::json schema) {
  return {{"application/json", {{"schema", std::move(schema)}}}};
}

nlohmann::json with_auth_responses(nlohmann::json responses) {
  responses["401"] = {{"description", "No bearer token, or an invalid one"}};
  responses["403"] = {{"description", "The token lacks the scope this route needs"}};
  return responses;
}

}  // namespace swapi::server
