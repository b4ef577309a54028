#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "negsim/detail/overloaded.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_check.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim {
namespace {

// One ordered JSON value is built, then printed as JSON or YAML.

using Json = nlohmann::ordered_json;

using detail::Overloaded;

Json param_json(const Param& p) {
  return std::visit(
      Overloaded{
          [](const Constant& d) { return Json(d.value); },
          [](const Uniform& d) {
            return Json{{"uniform", Json::array({d.min, d.max})}};
          },
          [](const Normal& d) {
            Json body{{"mean", d.mean}, {"sd", d.sd}};
            if (d.min) body["min"] = *d.min;
            if (d.max) body["max"] = *d.max;
            return Json{{"normal", body}};
          },
          [](const Beta& d) {
            return Json{{"beta", Json{{"a", d.a}, {"b", d.b}, {"min", d.min}, {"max", d.max}}}};
          },
          [](const Triangular& d) {
            return Json{{"triangular", Json::array({d.min, d.mode, d.max})}};
          },
          [](const Choice& d) {
            if (d.weights.empty()) return Json{{"choice", d.values}};
            return Json{{"choice", Json{{"values", d.values}, {"weights", d.weights}}}};
          },
      },
      p.dist);
}

Json extension_json(const ExtensionValues& values) {
  Json o = Json::object();
  for (const ExtensionValue& v : values) {
    switch (v.type) {
      case FieldType::number:
        o[v.name] = param_json(v.number);
        break;
      case FieldType::choice:
        o[v.name] = v.word;
        break;
      case FieldType::agent:
        o[v.name] = v.agent.name;
        break;
      case FieldType::issues: {
        Json list = Json::array();
        for (const Ref& r : v.issues) list.push_back(r.name);
        o[v.name] = list;
        break;
      }
    }
  }
  return o;
}

Json scenario_json(const Scenario& s) {
  Json j;
  j["negsim"] = s.version;
  j["name"] = s.name;
  if (!s.description.empty()) j["description"] = s.description;
  if (!s.sources.empty()) {
    Json sources = Json::array();
    for (const auto& src : s.sources) {
      Json o;
      if (!src.id.empty()) o["id"] = src.id;
      o["cite"] = src.cite;
      if (!src.url.empty()) o["url"] = src.url;
      if (!src.quote.empty()) o["quote"] = src.quote;
      sources.push_back(o);
    }
    j["sources"] = sources;
  }
  j["seed"] = s.seed;
  j["rounds"] = Json{{"unit", s.rounds.unit}, {"horizon", s.rounds.horizon}};
  j["protocol"] = Json{{"rule", to_string(s.protocol.rule)},
                       {"walkout", Json{{"patience", param_json(s.protocol.walkout_patience)},
                                        {"hazard", param_json(s.protocol.walkout_hazard)}}},
                       {"trust_gain", param_json(s.protocol.trust_gain)},
                       {"text_noise", param_json(s.protocol.text_noise)}};
  Json issues = Json::object();
  for (const auto& issue : s.issues) {
    Json o;
    if (issue.levels.empty()) {
      o = Json{{"unit", issue.unit},
               {"range", Json::array({issue.min, issue.max})},
               {"status_quo", issue.status_quo}};
    } else {
      o = Json{{"unit", issue.unit},
               {"levels", issue.levels},
               {"status_quo", issue.levels[static_cast<std::size_t>(issue.status_quo)]}};
    }
    if (!issue.description.empty()) o["description"] = issue.description;
    issues[issue.name] = o;
  }
  j["issues"] = issues;
  if (!s.texts.empty()) {
    Json texts = Json::object();
    for (const NamedText& t : s.texts) {
      Json o = Json::object();
      for (std::size_t k = 0; k < t.values.size(); ++k) {
        if (t.values[k]) o[s.issues[k].name] = *t.values[k];
      }
      texts[t.name] = o;
    }
    j["texts"] = texts;
  }
  Json agents = Json::object();
  for (const auto& a : s.agents) {
    Json o;
    o["role"] = to_string(a.role);
    if (!a.description.empty()) o["description"] = a.description;
    if (a.role == Role::mediator) {
      if (a.bias) {
        o["bias"] = Json{{"toward", a.bias->toward.name}, {"amount", param_json(a.bias->amount)}};
      }
      o["skill"] = param_json(a.skill);
      o["guarantee"] = param_json(a.guarantee);
      if (!a.leverage.empty()) {
        Json lev = Json::object();
        for (const auto& l : a.leverage) lev[l.on.name] = param_json(l.value);
        o["leverage"] = lev;
      }
      for (const auto& [block, values] : a.extensions) o[block] = extension_json(values);
      agents[a.name] = o;
      continue;
    }
    o["capability"] = param_json(a.capability);
    o["risk"] = param_json(a.risk);
    if (a.role == Role::principal) {
      if (a.reservation_of) {
        o["reservation"] =
            Json{{"of", a.reservation_of->text ? a.reservation_of->text->name : "status_quo"},
                 {"plus", param_json(a.reservation_of->plus)}};
      } else {
        o["reservation"] = param_json(a.reservation);
      }
      o["trust"] = param_json(a.trust);
      if (!a.trust_in.empty()) {
        Json in = Json::object();
        for (const auto& p : a.trust_in) in[p.of.name] = param_json(p.value);
        o["trust_in"] = in;
      }
    }
    Json ideal = Json::object(), salience = Json::object(), red = Json::object();
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const std::string& name = s.issues[k].name;
      if (a.ideal[k]) ideal[name] = param_json(*a.ideal[k]);
      salience[name] = param_json(a.salience[k]);
      const RedLine& line = a.red_lines[k];
      if (line.min || line.max) {
        Json l = Json::object();
        if (line.min) l["min"] = param_json(*line.min);
        if (line.max) l["max"] = param_json(*line.max);
        red[name] = l;
      }
    }
    o["ideal"] = ideal;
    o["salience"] = salience;
    if (a.role == Role::principal && !red.empty()) o["red_lines"] = red;
    if (!a.influence.empty()) {
      Json inf = Json::object();
      for (const auto& i : a.influence) inf[i.target.name] = param_json(i.weight);
      o["influence"] = inf;
    }
    if (a.domestic) {
      const Domestic& d = *a.domestic;
      Json dj;
      if (!d.caps.empty()) {
        Json caps = Json::object();
        for (const auto& cap : d.caps) {
          if (cap.max && !cap.min) {
            caps[cap.issue.name] = param_json(*cap.max);
            continue;
          }
          Json bounds = Json::object();
          if (cap.max) bounds["max"] = param_json(*cap.max);
          if (cap.min) bounds["min"] = param_json(*cap.min);
          caps[cap.issue.name] = bounds;
        }
        dj["caps"] = caps;
      }
      dj["ratification"] = param_json(d.ratification);
      dj["pressure"] = param_json(d.pressure);
      dj["unrest"] = param_json(d.unrest);
      dj["leadership"] = param_json(d.leadership);
      if (!d.successor.empty()) {
        Json successor = Json::object();
        for (const auto& [issue, position] : d.successor)
          successor[issue.name] = param_json(position);
        dj["successor"] = successor;
      }
      o["domestic"] = dj;
    }
    if (a.strike) {
      o["strike"] = Json{{"base", param_json(a.strike->base)},
                         {"sensitivity", param_json(a.strike->sensitivity)},
                         {"breakdown", param_json(a.strike->breakdown)},
                         {"after_deadline", param_json(a.strike->after_deadline)},
                         {"drawn_in", param_json(a.strike->drawn_in)},
                         {"red_lines", param_json(a.strike->red_lines)},
                         {"counter", param_json(a.strike->counter)}};
    }
    if (a.snapback) {
      o["snapback"] = Json{{"deadline", param_json(a.snapback->deadline)},
                           {"progress_below", param_json(a.snapback->progress_below)}};
      if (a.snapback->targets.empty()) {
        o["snapback"]["target"] = a.snapback->target.name;
      } else {
        Json targets = Json::object();
        for (const SnapbackTarget& st : a.snapback->targets) {
          Json effects = Json::object();
          if (st.reservation_drop) effects["reservation_drop"] = param_json(*st.reservation_drop);
          if (st.walkout_hazard) effects["walkout_hazard"] = param_json(*st.walkout_hazard);
          if (st.pressure) effects["pressure"] = param_json(*st.pressure);
          targets[st.target.name] = effects;
        }
        o["snapback"]["targets"] = targets;
      }
    }
    for (const auto& [block, values] : a.extensions) o[block] = extension_json(values);
    agents[a.name] = o;
  }
  j["agents"] = agents;
  Json deals = Json::object();
  if (!s.deals.interim.empty()) {
    Json list = Json::array();
    for (const auto& r : s.deals.interim) list.push_back(r.name);
    deals["interim"] = Json{{"issues", list}};
  }
  j["deals"] = deals;
  const Events& e = s.events;
  j["events"] = Json{
      {"strike", Json{{"trust_shock", param_json(e.strike_trust_shock)}}},
      {"snapback", Json{{"reservation_drop", param_json(e.snapback_reservation_drop)},
                        {"walkout_hazard", param_json(e.snapback_walkout_hazard)}}},
      {"unrest", Json{{"pressure", param_json(e.unrest_pressure)}}},
      {"leadership", Json{{"shift", param_json(e.leadership_shift)}}},
      {"ratification", Json{{"on_failure", to_string(e.ratification_failure)},
                            {"trust_shock", param_json(e.ratification_trust_shock)}}},
  };
  if (!s.extensions.empty()) {
    Json mechanisms = Json::object();
    for (const auto& [block, values] : s.extensions) mechanisms[block] = extension_json(values);
    j["mechanisms"] = mechanisms;
  }
  return j;
}

bool plain_key(const std::string& k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

/// A name-like string that YAML reads back as the same string when unquoted
/// (not a boolean, null or number in any YAML version).
bool plain_string(const std::string& s) {
  static const std::set<std::string> kReserved{"true", "false", "null", "yes", "no", "on",
                                               "off",  "y",     "n",    "nan", "inf"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return plain_key(s) && std::isalpha(static_cast<unsigned char>(s[0])) && !kReserved.count(lower);
}

std::string yaml_scalar(const Json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // Otherwise a JSON string, which is also a YAML double-quoted scalar.
    return plain_string(s) ? s : v.dump();
  }
  if (v.is_number_float()) return detail::format_number(v.get<double>());
  return v.dump();
}

std::string yaml_key(const std::string& k) { return plain_string(k) ? k : Json(k).dump(); }

std::string yaml_flow(const Json& v) {
  if (v.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, x] : v.items()) {
      if (!first) out += ", ";
      first = false;
      out += yaml_key(k) + ": " + yaml_flow(x);
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      out += yaml_flow(v[i]);
    }
    return out + "]";
  }
  return yaml_scalar(v);
}

/// Block style for the first levels (sections, issues, agents, their fields),
/// flow style below when it fits on a line.
void yaml_block(const Json& v, int indent, int depth, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& [k, x] : v.items()) {
    const std::string head = pad + yaml_key(k) + ":";
    const bool container = x.is_object() || x.is_array();
    const bool empty = container && x.empty();
    if (!container || empty) {
      out += head + " " + yaml_flow(x) + "\n";
      continue;
    }
    const std::string flow = yaml_flow(x);
    const bool shallow = depth >= 2 || (x.is_array() && !x.empty() && !x.front().is_object());
    if (shallow && head.size() + 1 + flow.size() <= 100) {
      out += head + " " + flow + "\n";
    } else if (x.is_array()) {
      out += head + "\n";
      for (const auto& item : x) {
        if (item.is_object()) {
          // The item's fields, indented under "- ", the first on the dash's line.
          std::string inner;
          yaml_block(item, indent + 4, depth + 1, inner);
          inner.replace(0, static_cast<std::size_t>(indent) + 4, pad + "  - ");
          out += inner;
        } else {
          out += pad + "  - " + yaml_flow(item) + "\n";
        }
      }
    } else {
      out += head + "\n";
      yaml_block(x, indent + 2, depth + 1, out);
    }
  }
}

}  // namespace

std::string to_json(const Scenario& scenario) { return scenario_json(scenario).dump(2) + "\n"; }

std::string to_yaml(const Scenario& scenario) {
  std::string out = "# Resolved by negsim: every default filled in, every override applied.\n";
  yaml_block(scenario_json(scenario), 0, 0, out);
  return out;
}

}  // namespace negsim
