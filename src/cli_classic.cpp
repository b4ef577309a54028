// `negsim classic`: the classic forecasting models on an actor table
// (docs/CLASSIC.md).
#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "negsim/classic.hpp"
#include "negsim/detail/cli_common.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim::cli {
namespace {

const std::vector<std::string> kModels{"compromise"};

std::string number(double x) { return std::isnan(x) ? "-" : detail::format_number(x); }

}  // namespace

int command_classic(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim classic MODEL FILE [--format text|json|csv] [--set PATH=VALUE ...]\n\n"
      "Runs a classic forecasting model on an actor table: KTAB's CSV, the BDM CSV\n"
      "(Actor,Capability,Position,Salience), decide's #A/#P/#M/#D rows, or a negsim\n"
      "scenario (its agents and issues, each number at its distribution's mean).\n"
      "Models: compromise (per issue, the capability- and salience-weighted mean of\n"
      "the positions; Achen 2006). docs/CLASSIC.md has the equations.\n\nOptions");
  std::string format;
  desc.add_options()("help,h", "show this help")(
      "model", po::value<std::string>()->value_name("MODEL"), "the model: compromise")(
      "file", po::value<std::string>()->value_name("FILE"), "the actor table or scenario");
  add_format_option(desc, format, {"text", "json", "csv"}, "text, json or csv");
  add_set_option(desc);
  po::positional_options_description positional;
  positional.add("model", 1).add("file", 1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("model"))
    throw UsageError("missing the MODEL (" + detail::join_alternatives(kModels) + ")");
  const std::string model = vm["model"].as<std::string>();
  if (std::find(kModels.begin(), kModels.end(), model) == kModels.end()) {
    throw UsageError("unknown model \"" + model + "\" (expected " +
                     detail::join_alternatives(kModels) + ")");
  }
  if (!vm.count("file")) throw UsageError("missing the actor table FILE");
  const std::string file = vm["file"].as<std::string>();
  const std::string ext = std::filesystem::path(file).extension().string();
  classic::ActorTable table;
  if (ext == ".yaml" || ext == ".yml" || ext == ".json") {
    const auto loaded = load_for_command(vm, file, err);
    if (!loaded) return kInvalidInput;
    table = classic::actor_table(loaded->scenario);
    table.file = file;
  } else {
    if (vm.count("set")) throw UsageError("--set applies to a scenario, not to an actor table");
    try {
      table = classic::read_actor_table(file);
    } catch (const ScenarioError& e) {
      print_problems(err, e, file);
      return kInvalidInput;
    }
  }
  const std::vector<double> forecast = classic::compromise(table);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["model"] = model;
    j["file"] = file;
    j["format"] = table.format;
    j["actors"] = table.actors.size();
    nlohmann::ordered_json f = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
      f[table.dimensions[k]] = std::isnan(forecast[k]) ? nlohmann::ordered_json(nullptr)
                                                       : nlohmann::ordered_json(forecast[k]);
    }
    j["forecast"] = f;
    out << j.dump(2) << "\n";
  } else if (format == "csv") {
    out << "dimension,forecast\n";
    for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
      out << table.dimensions[k] << "," << (std::isnan(forecast[k]) ? "" : number(forecast[k]))
          << "\n";
    }
  } else {
    out << "compromise model on " << file << " (" << table.format << ", " << table.actors.size()
        << " actors, " << table.dimensions.size() << " dimensions)\n\n"
        << "| dimension | forecast |\n|---|---:|\n";
    for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
      out << "| " << table.dimensions[k] << " | " << number(forecast[k]) << " |\n";
    }
  }
  return kOk;
}

}  // namespace negsim::cli
