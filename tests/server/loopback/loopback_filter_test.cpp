// LoopBack filter parsing: JSON and bracket forms give the same Filter; every way a filter can
// be wrong is a FilterError with the precise reason the client will read in its 400.
#include <doctest/doctest.h>

#include <map>

#include "server/loopback/filter_params.h"
#include "server/loopback/loopback_filter.h"

using nlohmann::json;
using swapi::server::FilterError;
using swapi::server::Operator;
using swapi::server::parse_filter;
using swapi::server::parse_filter_text;
using swapi::server::parse_where;
using swapi::server::query_parameter_json;
using swapi::server::WhereNode;

namespace {

using Params = std::multimap<std::string, std::string>;

template <typename Parse>
std::string error_of(Parse&& parse) {
  try {
    parse();
  } catch (const FilterError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string filter_error(const json& filter) {
  return error_of([&] { parse_filter(filter); });
}

std::string text_error(std::string_view text) {
  return error_of([&] { parse_filter_text(text, "filter"); });
}

json bracket(const Params& params, std::string_view name = "filter") {
  auto parsed = query_parameter_json(params, name);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string bracket_error(const Params& params) {
  return error_of([&] { query_parameter_json(params, "filter"); });
}

}  // namespace

TEST_CASE("filter: an equality where is one comparison") {
  auto filter = parse_filter(json::parse(R"({"where":{"name":"Luke Skywalker"}})"));
  CHECK(filter.where.kind == WhereNode::Kind::comparison);
  CHECK(filter.where.property == "name");
  CHECK(filter.where.op == Operator::eq);
  CHECK(filter.where.operand == "Luke Skywalker");
}

TEST_CASE("filter: every operator parses to its Operator") {
  struct Case {
    const char* where;
    Operator op;
  };
  for (auto [where, op] : {Case{R"({"h":{"gt":1}})", Operator::gt}, Case{R"({"h":{"gte":1}})", Operator::gte},
                           Case{R"({"h":{"lt":1}})", Operator::lt}, Case{R"({"h":{"lte":"1"}})", Operator::lte},
                           Case{R"({"h":{"between":[1,2]}})", Operator::between},
                           Case{R"({"h":{"inq":[1,"a",null]}})", Operator::inq},
                           Case{R"({"h":{"nin":[1]}})", Operator::nin}, Case{R"({"h":{"neq":null}})", Operator::neq},
                           Case{R"({"h":{"eq":true}})", Operator::eq}, Case{R"({"h":{"like":"L%"}})", Operator::like},
                           Case{R"({"h":{"nlike":"L%"}})", Operator::nlike},
                           Case{R"({"h":{"ilike":"l%"}})", Operator::ilike},
                           Case{R"({"h":{"nilike":"l%"}})", Operator::nilike}}) {
    CAPTURE(where);
    auto node = parse_where(json::parse(where));
    CHECK(node.kind == WhereNode::Kind::comparison);
    CHECK(node.op == op);
  }
}

TEST_CASE("filter: several operators on one property must all hold") {
  auto node = parse_where(json::parse(R"({"height":{"gt":100,"lt":200}})"));
  REQUIRE(node.kind == WhereNode::Kind::all);
  REQUIRE(node.children.size() == 2);
  CHECK(node.children[0].op == Operator::gt);
  CHECK(node.children[1].op == Operator::lt);
}

TEST_CASE("filter: and/or take arrays of where objects") {
  auto node = parse_where(json::parse(R"({"or":[{"name":"A"},{"and":[{"x":1},{"y":2}]}]})"));
  const auto& any = node;
  REQUIRE(any.kind == WhereNode::Kind::any);
  REQUIRE(any.children.size() == 2);
  CHECK(any.children[1].kind == WhereNode::Kind::all);
  CHECK(any.children[1].children.size() == 2);
}

TEST_CASE("filter: a single inq value is a list of one (the bracket form cannot say more)") {
  auto node = parse_where(json{{"id", {{"inq", "3"}}}});
  CHECK(node.operand == json::array({"3"}));
}

TEST_CASE("filter: order as a string, a comma list, or an array; direction case-insensitive") {
  auto one = parse_filter(json{{"order", "name DESC"}}).order;
  REQUIRE(one.size() == 1);
  CHECK(one[0].property == "name");
  CHECK(one[0].descending);

  auto listed = parse_filter(json{{"order", "height asc, name"}}).order;
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].property == "height");
  CHECK_FALSE(listed[0].descending);
  CHECK(listed[1].property == "name");
  CHECK_FALSE(listed[1].descending);

  auto array = parse_filter(json{{"order", {"mass DESC", "id"}}}).order;
  REQUIRE(array.size() == 2);
  CHECK(array[0].descending);
  CHECK(array[1].property == "id");
}

TEST_CASE("filter: limit, skip and offset are non-negative integers, as numbers or digit strings") {
  auto filter = parse_filter(json{{"limit", 5}, {"skip", "10"}});
  CHECK(filter.limit == 5u);
  CHECK(filter.skip == 10u);
  CHECK(parse_filter(json{{"offset", 3}}).skip == 3u);
  CHECK(parse_filter(json{{"limit", 2.0}}).limit == 2u);
  CHECK_FALSE(parse_filter(json{{"limit", 0}}).limit.has_value());  // LoopBack: 0 is no limit
  CHECK_FALSE(parse_filter(json{{"limit", nullptr}}).limit.has_value());
}

TEST_CASE("filter: fields as an object of flags or an array of names") {
  auto included = parse_filter(json::parse(R"({"fields":{"name":true,"height":"true"}})")).fields;
  REQUIRE(included);
  CHECK(included->shows("name"));
  CHECK(included->shows("height"));
  CHECK_FALSE(included->shows("mass"));

  auto excluded = parse_filter(json::parse(R"({"fields":{"films":false}})")).fields;
  REQUIRE(excluded);
  CHECK(excluded->shows("name"));
  CHECK_FALSE(excluded->shows("films"));

  auto listed = parse_filter(json::parse(R"({"fields":["name","id"]})")).fields;
  REQUIRE(listed);
  CHECK(listed->shows("id"));
  CHECK_FALSE(listed->shows("url"));

  CHECK_FALSE(parse_filter(json::parse(R"({"fields":[]})")).fields.has_value());
}

TEST_CASE("filter: each malformed filter names its reason") {
  CHECK(filter_error(json::array()) == "filter must be a JSON object, not []");
  CHECK(filter_error(json{{"limt", 5}}) ==
        "unknown filter key \"limt\" (expected where, order, limit, skip, offset or fields)");
  CHECK(filter_error(json{{"include", "films"}}) == "include is not supported: these models have no relations");
  CHECK(filter_error(json{{"limit", -1}}) == "limit must be a non-negative integer, not -1");
  CHECK(filter_error(json{{"limit", 1.5}}) == "limit must be a non-negative integer, not 1.5");
  CHECK(filter_error(json{{"limit", "five"}}) == "limit must be a non-negative integer, not \"five\"");
  CHECK(filter_error(json{{"limit", 1e30}}) == "limit must be a non-negative integer, not 1e+30");
  CHECK(filter_error(json{{"skip", "1.5"}}) == "skip must be a non-negative integer, not \"1.5\"");
  CHECK(filter_error(json{{"offset", -2}}) == "offset must be a non-negative integer, not -2");
  CHECK(filter_error(json{{"skip", 1}, {"offset", 1}}) == "give skip or offset, not both");
  CHECK(filter_error(json{{"order", "name UP"}}) ==
        "order \"name UP\" has an invalid direction \"UP\" (expected ASC or DESC)");
  CHECK(filter_error(json{{"order", "name DESC extra"}}) == "order \"name DESC extra\" is not \"<property> [ASC|DESC]\"");
  CHECK(filter_error(json{{"order", 5}}) == "order must be a string such as \"name DESC\" or an array of them, not 5");
  CHECK(filter_error(json{{"order", {1}}}) == "order entries must be strings such as \"name DESC\", not 1");
  CHECK(filter_error(json{{"fields", 5}}) ==
        "fields must be an object {\"name\": true} or an array of property names, not 5");
  CHECK(filter_error(json{{"fields", {{"name", "yes"}}}}) == "fields.name must be true or false, not \"yes\"");
  CHECK(filter_error(json{{"fields", {1}}}) == "fields entries must be property names, not 1");
}

TEST_CASE("filter: each malformed where names its reason") {
  CHECK(filter_error(json{{"where", "name"}}) == "where must be a JSON object, not \"name\"");
  CHECK(filter_error(json::parse(R"({"where":{"name":{"foo":1}}})")) ==
        "unknown operator \"foo\" for \"name\" (expected one of gt, gte, lt, lte, between, inq, nin, neq, like, nlike, "
        "ilike, nilike, regexp)");
  CHECK(filter_error(json::parse(R"({"where":{"name":{"near":"1,2"}}})")) ==
        "the operator \"near\" is not supported by this server");
  CHECK(filter_error(json::parse(R"({"where":{"name":{"regexp":"(x)\\1"}}})")).starts_with(
      "\"regexp\" for \"name\": a backreference or octal escape \\1 (at character 4) is not supported"));
  std::string big = "(a*a*a*a*a*a*){11}";  // 199 states: three are past a filter's 512
  auto budget = filter_error(json{{"where", {{"or", {{{"name", {{"regexp", big}}}}, {{"name", {{"regexp", big}}}},
                                                     {{"name", {{"regexp", big}}}}}}}}});
  CHECK(budget == "the regexp clauses compile to 597 states together, more than the 512 a filter may use");
  CHECK(filter_error(json::parse(R"({"where":{"name":{"regexp":["^L"]}}})")) ==
        "\"regexp\" for \"name\" needs a regular expression string such as \"^Dar\" or \"/sky/i\", not [\"^L\"]");
  CHECK(filter_error(json::parse(R"({"where":{"name":{}}})")) == "the condition for \"name\" is an empty object");
  CHECK(filter_error(json::parse(R"({"where":{"name":["a","b"]}})")) ==
        "the condition for \"name\" is an array; to match any of several values use {\"inq\": [...]}");
  CHECK(filter_error(json::parse(R"({"where":{"or":{"a":1}}})")) == "\"or\" needs an array of where objects, not {\"a\":1}");
  CHECK(filter_error(json::parse(R"({"where":{"and":[1]}})")) == "where must be a JSON object, not 1");
  CHECK(filter_error(json::parse(R"({"where":{"":1}})")) == "a property name in where is empty");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"gt":[1]}}})")) == "\"gt\" for \"h\" needs a number or a string, not [1]");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"lte":null}}})")) ==
        "\"lte\" for \"h\" needs a number or a string, not null");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"between":[1]}}})")) ==
        "\"between\" for \"h\" needs an array of two numbers or strings [low, high], not [1]");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"between":5}}})")) ==
        "\"between\" for \"h\" needs an array of two numbers or strings [low, high], not 5");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"inq":[[1]]}}})")) ==
        "\"inq\" for \"h\" needs an array of strings, numbers, booleans or null, not [[1]]");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"like":5}}})")) == "\"like\" for \"h\" needs a pattern string, not 5");
  CHECK(filter_error(json::parse(R"({"where":{"h":{"neq":{"a":1}}}})")) ==
        "\"neq\" for \"h\" needs a string, number, boolean or null, not {\"a\":1}");
}

TEST_CASE("filter: and/or nesting is capped") {
  json where = {{"name", "x"}};
  for (int i = 0; i < 20; ++i) where = {{"or", json::array({where})}};
  CHECK(filter_error(json{{"where", where}}) == "the filter nests deeper than 16 levels");
}

TEST_CASE("filter text: JSON with size and depth caps") {
  CHECK(parse_filter_text(R"({"limit":1})", "filter") == json{{"limit", 1}});
  CHECK(text_error("{\"where\":") ==
        "filter is not valid JSON: parse error at line 1, column 10: syntax error while parsing value - unexpected end "
        "of input; expected '[', '{', or a literal");
  CHECK(text_error(R"({"limit":1e400})") == "filter is not valid JSON: number overflow parsing '1e400'");
  std::string huge = R"({"where":{"name":")" + std::string(5000, 'x') + R"("}})";
  CHECK(text_error(huge) == "filter is " + std::to_string(huge.size()) + " bytes long, more than the 4096 allowed");
  std::string deep16 = std::string(16, '[') + std::string(16, ']');
  CHECK(parse_filter_text(deep16, "filter").is_array());
  std::string deep17 = std::string(17, '[') + std::string(17, ']');
  CHECK(text_error(deep17) == "the filter nests deeper than 16 levels");
  std::string deep_unterminated(4000, '[');
  CHECK(text_error(deep_unterminated) == "the filter nests deeper than 16 levels");
}

TEST_CASE("bracket form: qs rules build the same JSON as the JSON form") {
  CHECK(bracket({{"filter[where][name]", "Luke Skywalker"}}) == json::parse(R"({"where":{"name":"Luke Skywalker"}})"));
  CHECK(bracket({{"filter[where][height][gt]", "180"}, {"filter[limit]", "5"}}) ==
        json::parse(R"({"where":{"height":{"gt":"180"}},"limit":"5"})"));
  CHECK(bracket({{"filter[where][or][0][name]", "A"}, {"filter[where][or][1][name]", "B"}}) ==
        json::parse(R"({"where":{"or":[{"name":"A"},{"name":"B"}]}})"));
  CHECK(bracket({{"filter[where][id][inq][0]", "1"}, {"filter[where][id][inq][1]", "4"}}) ==
        json::parse(R"({"where":{"id":{"inq":["1","4"]}}})"));
  CHECK(bracket({{"filter[where][id][inq]", "1"}, {"filter[where][id][inq]", "4"}}) ==
        json::parse(R"({"where":{"id":{"inq":["1","4"]}}})"));
  CHECK(bracket({{"filter[where][id][inq][]", "1"}, {"filter[where][id][inq][]", "4"}}) ==
        json::parse(R"({"where":{"id":{"inq":["1","4"]}}})"));
  CHECK(bracket({{"filter[order][1]", "id"}, {"filter[order][0]", "name DESC"}}) ==
        json::parse(R"({"order":["name DESC","id"]})"));
  CHECK(bracket({{"filter[fields][name]", "true"}}) == json::parse(R"({"fields":{"name":"true"}})"));
  CHECK(bracket({{"filter[skip]", "10"}, {"other", "x"}}) == json::parse(R"({"skip":"10"})"));
  CHECK(bracket({{"where[name]", "Tatooine"}}, "where") == json::parse(R"({"name":"Tatooine"})"));
}

TEST_CASE("bracket form: the JSON form, absence and an empty value") {
  CHECK(bracket({{"filter", R"({"limit":2})"}}) == json{{"limit", 2}});
  CHECK_FALSE(query_parameter_json({{"page", "2"}}, "filter").has_value());
  CHECK_FALSE(query_parameter_json({{"filter", ""}}, "filter").has_value());
  CHECK_FALSE(query_parameter_json({{"filterx[a]", "1"}}, "filter").has_value());
}

TEST_CASE("bracket form: each malformed parameter names its reason") {
  CHECK(bracket_error({{"filter", "{}"}, {"filter", "{}"}}) == "filter is given more than once");
  CHECK(bracket_error({{"filter", "{}"}, {"filter[limit]", "1"}}) ==
        "give filter either as JSON or in bracket form, not both");
  CHECK(bracket_error({{"filter[where", "1"}}) == "the query parameter \"filter[where\" is not of the form name[key][key]...");
  CHECK(bracket_error({{"filter[where]x", "1"}}) == "the query parameter \"filter[where]x\" is not of the form name[key][key]...");
  CHECK(bracket_error({{"filter[where][name]", "A"}, {"filter[where][name][like]", "B"}}) ==
        "filter[where][name] is given both as a value and with [sub-keys]");
  std::string deep = "filter";
  for (int i = 0; i < 17; ++i) deep += "[a]";
  CHECK(bracket_error({{deep, "1"}}) == "the filter nests deeper than 16 levels");
  CHECK(bracket_error({{"filter[where][name]", std::string(5000, 'x')}}) ==
        "filter[...] parameters are more than the 4096 bytes allowed");
}

TEST_CASE("bracket form: the result goes through the same filter parser") {
  auto filter = parse_filter(bracket({{"filter[where][height][gt]", "180"},
                                      {"filter[order]", "name DESC"},
                                      {"filter[limit]", "5"},
                                      {"filter[offset]", "10"},
                                      {"filter[fields][name]", "true"}}));
  CHECK(filter.where.op == Operator::gt);
  CHECK(filter.where.operand == "180");
  CHECK(filter.order.at(0).descending);
  CHECK(filter.limit == 5u);
  CHECK(filter.skip == 10u);
  CHECK(filter.fields->shows("name"));
  CHECK(error_of([] { parse_filter(bracket({{"filter[limit]", "-1"}})); }) ==
        "limit must be a non-negative integer, not \"-1\"");
}
