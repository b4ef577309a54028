// negsim sweep and negsim merge, end to end: a point's result is the same
// alone, in a sweep, in any shard and at any thread count; an interrupted
// sweep resumes to exactly the uninterrupted result; bad inputs fail clearly.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "negsim/report.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

namespace fs = std::filesystem;

const std::string kTalks = test::kDataDir + "/good/talks.yaml";
const std::string kDesign = test::kDataDir + "/good/lhs-design.yaml";

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("negsim-sweep-" + name);
  fs::remove_all(dir);
  return dir;
}

std::vector<PointRecord> records(const fs::path& file) { return SweepStore(file.string()).all(); }

test::CliResult sweep(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"sweep", kTalks, "--design", kDesign,     "--runs",
                                "400",   "-q",   "--out",    out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_cli(args);
}

TEST(SweepCli, ShardsMergedEqualOneProcessPointForPoint) {
  const fs::path one = fresh("one"), sharded = fresh("sharded");
  ASSERT_EQ(sweep(one, {"--threads", "1"}).code, 0);
  const auto reference = records(one / "sweep.sqlite");
  ASSERT_EQ(reference.size(), 7u);
  for (const char* shard : {"0/3", "1/3", "2/3"}) {
    const auto r = sweep(sharded, {"--shard", shard, "--threads", "2"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  EXPECT_EQ(records(sharded / "shard-1-of-3.sqlite").size(), 2u);  // points 1 and 4
  const auto merged = test::run_cli({"merge", sharded.string(), "-q"});
  ASSERT_EQ(merged.code, 0) << merged.err;
  EXPECT_EQ(records(sharded / "sweep.sqlite"), reference);
  std::ifstream a(one / "points.csv"), b(sharded / "points.csv");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str());
}

TEST(SweepCli, APointAloneGivesTheSameNumbers) {
  const fs::path dir = fresh("alone");
  ASSERT_EQ(sweep(dir).code, 0);
  const auto stored = records(dir / "sweep.sqlite");
  SweepOptions options;
  options.scenario_file = kTalks;
  options.seed = load_scenario(kTalks).seed;
  const Design design = generate(load_design(kDesign));
  const std::size_t p = 5;
  const Scenario s = load_scenario(kTalks, LoadOptions{point_overrides(options, design, p), {}});
  EngineOptions engine;
  engine.seed = options.seed;
  engine.point = p;
  engine.runs = 400;
  const Tally alone = simulate(model::Negotiation(s), engine).tally;
  EXPECT_EQ(stored[p].outcomes, alone.outcomes);
  EXPECT_EQ(stored[p], point_record(s, p, design.points[p], alone));
}

TEST(SweepCli, AnInterruptedSweepResumesToTheSameResult) {
  const fs::path whole = fresh("whole"), broken = fresh("broken");
  ASSERT_EQ(sweep(whole).code, 0);
  // A sweep that dies after storing three points (as a crash would leave it).
  {
    SweepOptions options;
    options.scenario_file = kTalks;
    options.seed = load_scenario(kTalks).seed;
    options.runs = 400;
    const Design design = generate(load_design(kDesign));
    std::ifstream in(kDesign);
    std::stringstream text;
    text << in.rdbuf();
    Manifest m =
        sweep_manifest(load_scenario(kTalks), kTalks, text.str(), options, design.points.size());
    m["parameters"] = nlohmann::json(design.paths).dump();
    fs::create_directories(broken);
    SweepStore store((broken / "sweep.sqlite").string(), m);
    int stored = 0;
    EXPECT_THROW(run_sweep(options, design, shard_points(design, options), {},
                           [&](std::size_t p, const Scenario& s, const Tally& t) {
                             if (stored == 3) throw std::runtime_error("killed");
                             store.put(point_record(s, p, design.points[p], t));
                             ++stored;
                           }),
                 std::runtime_error);
  }
  EXPECT_EQ(records(broken / "sweep.sqlite").size(), 3u);
  const auto resumed = sweep(broken, {"--threads", "1"});
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(records(broken / "sweep.sqlite"), records(whole / "sweep.sqlite"));
}

TEST(SweepCli, AReaderOfTheSweepFileDoesNotStopTheSweep) {
  // Someone reads the sweep file while it runs (as with the sqlite3 shell):
  // a read transaction holds its lock for a while; the sweep waits for it.
  const fs::path dir = fresh("watched"), whole = fresh("unwatched");
  ASSERT_EQ(sweep(whole).code, 0);
  ASSERT_EQ(sweep(dir).code, 0);
  const std::string file = (dir / "sweep.sqlite").string();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM points WHERE point >= 4", nullptr, nullptr, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM points;", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* read = nullptr;  // a read in progress holds the shared lock
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT point FROM points", -1, &read, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(read), SQLITE_ROW);
    std::thread release([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      sqlite3_finalize(read);
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    });
    const auto resumed = sweep(dir, {"--threads", "1"});
    release.join();
    sqlite3_close(db);
    ASSERT_EQ(resumed.code, 0) << resumed.err;
  }
  EXPECT_EQ(records(dir / "sweep.sqlite"), records(whole / "sweep.sqlite"));
}

TEST(SweepCli, AnotherSweepInTheSameDirectoryIsRefused) {
  const fs::path dir = fresh("clash");
  ASSERT_EQ(sweep(dir).code, 0);
  const auto r = sweep(dir, {"--seed", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("holds another sweep (its seed differs)"), std::string::npos) << r.err;
}

TEST(SweepCli, MergeReportsMissingAndDamagedShards) {
  const fs::path dir = fresh("partial");
  ASSERT_EQ(sweep(dir, {"--shard", "0/2"}).code, 0);
  auto r = test::run_cli({"merge", dir.string(), "-q"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("points are missing"), std::string::npos) << r.err;
  const fs::path junk = dir / "shard-1-of-2.sqlite";
  std::ofstream(junk) << "this is not a database";
  r = test::run_cli({"merge", dir.string(), "-q"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("shard-1-of-2.sqlite"), std::string::npos) << r.err;
  // Truncated: the first kilobytes of a real shard.
  const fs::path good = dir / "shard-0-of-2.sqlite";
  std::ifstream in(good, std::ios::binary);
  std::string bytes(2048, '\0');
  in.read(bytes.data(), 2048);
  std::ofstream(junk, std::ios::binary) << bytes;
  r = test::run_cli({"merge", dir.string(), "-q"});
  EXPECT_EQ(r.code, 1) << r.out;
}

TEST(SweepCli, BadInputsFailBeforeRunning) {
  const fs::path dir = fresh("bad");
  EXPECT_EQ(sweep(dir, {"--shard", "3/3"}).code, 2);
  EXPECT_EQ(sweep(dir, {"--shard", "two"}).code, 2);
  EXPECT_EQ(test::run_cli({"sweep", kTalks, "--design", kDesign, "--precision", "0.01",
                           "--max-runs", "0", "--out", dir.string()})
                .code,
            2);
  auto r = test::run_cli({"sweep", kTalks, "--design", test::kDataDir + "/no-such-design.yaml",
                          "--out", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no-such-design.yaml: file does not exist"), std::string::npos) << r.err;
  // A design whose values make an invalid scenario: reported, nothing run.
  const fs::path design = fs::temp_directory_path() / "negsim-bad-design.yaml";
  std::ofstream(design) << "design: grid\nparameters: {agents.west.trust: {values: [0.5, 1.5]}}\n";
  r = test::run_cli({"sweep", kTalks, "--design", design.string(), "--out", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("(design point 1) agents.west.trust=1.5: agents.west.trust: out of range"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "sweep.sqlite"));
}

TEST(SweepCli, AnInlineDesignEqualsTheSameDesignInAFile) {
  const fs::path from_file = fresh("from-file"), inline_dir = fresh("inline");
  ASSERT_EQ(sweep(from_file).code, 0);
  const auto r = test::run_cli({"sweep", kTalks, "--runs", "400", "-q", "--out",
                                inline_dir.string(), "--design",
                                "{design: lhs, points: 7, seed: 11, parameters: "
                                "{agents.hawk.strike.base: {range: [0.001, 0.05]}, "
                                "agents.west.trust: {range: [0.1, 0.9]}}}"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(records(inline_dir / "sweep.sqlite"), records(from_file / "sweep.sqlite"));
  const auto bad =
      test::run_cli({"sweep", kTalks, "--out", inline_dir.string(), "--design", "{design: lhs}"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--design:1:1: missing required field \"points\""), std::string::npos)
      << bad.err;
}

TEST(SweepCli, DryRunCountsPointsRunsAndShards) {
  const auto r = test::run_cli(
      {"sweep", kTalks, "--design", kDesign, "--runs", "1000", "--shard", "1/2", "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("design: lhs, 2 parameters, 7 points"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shard 1/2: 3 points x 1000 runs = 3000 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("estimate:"), std::string::npos);
}

}  // namespace
}  // namespace negsim
