#include "negsim/utilities.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "negsim/detail/sample.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/mechanism.hpp"

namespace negsim {
namespace {

UtilityCell summarise(std::vector<double> values) {
  UtilityCell cell;
  const detail::Sample sample(std::move(values));
  if (sample.empty()) return cell;
  cell.mean = sample.mean();
  cell.q05 = sample.quantile(0.05);
  cell.q95 = sample.quantile(0.95);
  return cell;
}

std::string cell_text(const UtilityCell& cell) {
  char buf[64];
  if (cell.q95 - cell.q05 < 5e-4) {
    std::snprintf(buf, sizeof buf, "%.3f", cell.mean);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", cell.mean, cell.q05, cell.q95);
  }
  return buf;
}

}  // namespace

UtilityText parse_utility_text(const Scenario& s, const std::string& arg) {
  for (const NamedText& t : s.texts) {
    if (t.name == arg) return {"text " + t.name, t.values};
  }
  if (arg.find('=') == std::string::npos) {
    std::vector<std::string> names;
    for (const NamedText& t : s.texts) names.push_back(t.name);
    throw UsageError("--text: unknown text \"" + arg + "\" (expected " +
                     (names.empty()
                          ? std::string("issue=value,... (the file names no texts)")
                          : "one of " + detail::join_alternatives(names) + " or issue=value,...") +
                     ")");
  }
  UtilityText c{"text " + arg, std::vector<std::optional<double>>(s.issues.size())};
  std::stringstream in(arg);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    const std::string issue = item.substr(0, eq);
    const auto k = s.issue_index(issue);
    if (eq == std::string::npos || !k) {
      std::vector<std::string> names;
      for (const Issue& i : s.issues) names.push_back(i.name);
      throw UsageError("--text: unknown issue \"" + issue + "\" in \"" + arg + "\" (expected " +
                       detail::join_alternatives(names) + ")");
    }
    const std::string value = item.substr(eq + 1);
    const Issue& is = s.issues[*k];
    // An issue of levels takes a level's name as well as its index.
    const auto level = std::find(is.levels.begin(), is.levels.end(), value);
    if (level != is.levels.end()) {
      c.values[*k] = static_cast<double>(level - is.levels.begin());
      continue;
    }
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(x) || x < is.min || x > is.max) {
      throw UsageError("--text: " + issue + "=" + value + " is not a number in [" +
                       detail::format_number(is.min) + ", " + detail::format_number(is.max) +
                       "] (" + is.unit + ")");
    }
    c.values[*k] = x;
  }
  return c;
}

UtilityTable utility_table(const Scenario& s, const std::vector<UtilityText>& extra,
                           std::uint64_t draws, std::uint64_t seed) {
  UtilityTable table;
  table.scenario = s.name;
  table.seed = seed;
  table.draws = draws;
  // Columns: the status quo, each agent's ideal, each text.
  std::vector<UtilityText> columns;
  columns.push_back({"status quo", std::vector<std::optional<double>>(s.issues.size())});
  std::vector<std::size_t> agents;
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role != Role::mediator) agents.push_back(a);
  }
  const std::size_t first_ideal = columns.size();
  for (std::size_t a : agents) columns.push_back({s.agents[a].name + "'s ideal", {}});
  for (const NamedText& t : s.texts) columns.push_back({"text " + t.name, t.values});
  for (const UtilityText& t : extra) columns.push_back(t);

  const model::Negotiation negotiation(s);
  const std::size_t n = s.issues.size();
  std::vector<std::vector<double>> reservation(s.agents.size());
  std::vector<std::vector<std::vector<double>>> values(
      s.agents.size(), std::vector<std::vector<double>>(columns.size()));
  model::Draw draw;
  model::Talks talks;
  for (std::uint64_t d = 0; d < draws; ++d) {
    negotiation.draw(seed, 0, d, draw);
    model::RunStreams streams(negotiation, seed, 0, d);
    negotiation.opening(draw, streams, talks);
    for (std::size_t a : agents) {
      if (s.agents[a].role == Role::principal) reservation[a].push_back(talks.reservation[a]);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        model::IssueVec x = negotiation.status_quo();
        if (c >= first_ideal && c < first_ideal + agents.size()) {
          const std::size_t other = agents[c - first_ideal];
          for (std::size_t k = 0; k < n; ++k) {
            if (s.agents[other].ideal[k]) x[k] = talks.base[other][k];
          }
        } else {
          for (std::size_t k = 0; k < n; ++k) {
            if (columns[c].values[k]) x[k] = negotiation.to_unit(k, *columns[c].values[k]);
          }
        }
        values[a][c].push_back(model::utility(talks.own(a), x, n));
      }
    }
  }
  for (const UtilityText& c : columns) table.columns.push_back(c.name);
  for (std::size_t a : agents) {
    table.agents.push_back(s.agents[a].name);
    table.roles.push_back(to_string(s.agents[a].role));
    table.reservation.push_back(s.agents[a].role == Role::principal
                                    ? std::optional(summarise(std::move(reservation[a])))
                                    : std::nullopt);
    std::vector<UtilityCell> row;
    for (auto& v : values[a]) row.push_back(summarise(std::move(v)));
    table.cells.push_back(std::move(row));
  }
  return table;
}

std::string utility_table_json(const UtilityTable& t) {
  nlohmann::ordered_json j;
  j["scenario"] = t.scenario;
  j["seed"] = t.seed;
  j["draws"] = t.draws;
  auto stats = [](const UtilityCell& cell) {
    return nlohmann::ordered_json{{"mean", cell.mean}, {"q05", cell.q05}, {"q95", cell.q95}};
  };
  nlohmann::ordered_json list = nlohmann::ordered_json::object();
  for (std::size_t a = 0; a < t.agents.size(); ++a) {
    nlohmann::ordered_json o;
    o["role"] = t.roles[a];
    if (t.reservation[a]) o["reservation"] = stats(*t.reservation[a]);
    nlohmann::ordered_json of = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < t.columns.size(); ++c) of[t.columns[c]] = stats(t.cells[a][c]);
    o["utility"] = of;
    list[t.agents[a]] = o;
  }
  j["agents"] = list;
  return j.dump(2) + "\n";
}

std::string utility_table_text(const UtilityTable& t) {
  std::ostringstream out;
  out << t.scenario << ": utilities at the start of a run (" << t.draws << " draw"
      << (t.draws == 1 ? "" : "s") << ", seed " << t.seed << "; mean [5%, 95%])\n\n";
  out << "| agent | reservation |";
  for (const std::string& c : t.columns) out << " " << c << " |";
  out << "\n|---|---:|";
  for (std::size_t c = 0; c < t.columns.size(); ++c) out << "---:|";
  out << "\n";
  for (std::size_t a = 0; a < t.agents.size(); ++a) {
    out << "| " << t.agents[a] << " | "
        << (t.reservation[a] ? cell_text(*t.reservation[a]) : std::string("-")) << " |";
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      out << " " << cell_text(t.cells[a][c]) << " |";
    out << "\n";
  }
  out << "\nA principal accepts a text only when its perceived value reaches its aspiration,\n"
         "which starts above the reservation and concedes toward it (docs/MODEL.md §4).\n";
  return out.str();
}

}  // namespace negsim
