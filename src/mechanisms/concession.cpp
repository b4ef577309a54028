#include "negsim/mechanisms/concession.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace negsim::model {

namespace {

constexpr const char* kBlock = "concession";

Concession::Tactic tactic_of(const std::string& word) {
  if (word == "time") return Concession::Tactic::time;
  if (word == "imitative") return Concession::Tactic::imitative;
  if (word == "tit_for_tat") return Concession::Tactic::tit_for_tat;
  return Concession::Tactic::geometric;
}

}  // namespace

std::vector<ExtensionBlock> Concession::extensions() {
  ExtensionBlock b;
  b.name = kBlock;
  b.roles = {Role::principal};
  b.doc = "how the principal concedes";
  b.shorthand = "rate";
  b.always = true;
  b.fields = {
      ExtensionField::choice("tactic", {"geometric", "time", "imitative", "tit_for_tat"},
                             "geometric, time, imitative or tit_for_tat"),
      ExtensionField::number("rate", 0, 1, 0.05, "the share of the gap given up per round"),
      ExtensionField::number(
          "start", 0, 1, kDefaultStart,
          "where the aspiration starts, as a share of the way from the reservation to the ideal"),
      ExtensionField::number("shape", 0.01, 100, 1.0,
                             "the time tactic's shape (Faratin et al.'s beta)"),
      ExtensionField::rounds("deadline", 1, 0, {},
                             "the round by which the principal is at its reservation")
          .or_absent(),
      ExtensionField::choice("on_deadline", {"walkout", "stay"}, "walkout or stay"),
  };
  return {b};
}

void Concession::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  const ExtensionBlock declared = extensions().front();
  for (std::size_t i : setup.negotiation().principals()) {
    const int a = static_cast<int>(i);
    Own o;
    o.agent = i;
    const ExtensionValue* tactic = s.extension_value(a, kBlock, "tactic");
    o.tactic = tactic ? tactic_of(tactic->word) : Tactic::geometric;
    const ExtensionValue* on = s.extension_value(a, kBlock, "on_deadline");
    o.on_deadline = on && on->word == "stay" ? OnDeadline::stay : OnDeadline::walkout;
    // A scenario built in code without the block concedes by the defaults
    // the block declares.
    auto field = [&](const char* name) {
      const Param* p = s.extension(a, kBlock, name);
      return p ? *p : declared.default_of(name);
    };
    const std::string at = std::string(kBlock) + ".";
    if (o.tactic == Tactic::time) {
      o.beta = setup.param(a, at + "shape", field("shape"));
    } else {
      o.rate = setup.param(a, at + "rate", field("rate"));
    }
    o.start = setup.param(a, at + "start", field("start"));
    if (const Param* d = s.extension(a, kBlock, "deadline")) {
      o.deadline = setup.param(a, at + "deadline", *d, -1, true);
    }
    principals_.push_back(o);
  }
  pace_ = setup.field("concession_pace", "concession pace");
  deadline_cause_ = setup.cause("deadline");
  deadline_ = setup.event("deadline", "{agent}'s deadline passes: it walks out", deadline_cause_);
  state_ = setup.state<State>();
}

void Concession::start(Run& run) const {
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  st = State{};
  // The talks start where they stand: each principal's aspiration a share
  // `start` of the way from its reservation to its ideal (utility 1).
  for (const Own& o : principals_) {
    const std::size_t i = o.agent;
    st.opening[i] = run.param(o.start) * (1 - t.reservation[i]);
    t.deadline[i] = o.deadline != kNoParam ? static_cast<int>(run.param(o.deadline)) : 0;
    t.aspiration[i] = t.reservation[i] + st.opening[i];
    if (o.tactic == Tactic::time && o.deadline != kNoParam && run.param(o.deadline) <= 1) {
      st.clock[i] = 1;
      t.aspiration[i] = t.reservation[i];
    }
  }
}

void Concession::step(Run& run) const {
  // Faratin, Sierra & Jennings 1998: time-dependent and behaviour-dependent
  // tactics; Zeuthen 1930 and Cross 1965 for the geometric decay. Pressure
  // speeds every tactic, mistrust slows it (the time tactic still meets its
  // deadline). What each conceded is left in Talks::conceded for the
  // trust mechanism (reciprocity).
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  // An ultimatum that passes without a deal ends the talks.
  // (An interim deal in force meets the ultimatum.)
  for (const Own& o : principals_) {
    if (o.deadline == kNoParam || o.on_deadline != OnDeadline::walkout) continue;
    if (t.interim_round > 0) break;
    if (t.round < static_cast<int>(run.param(o.deadline))) continue;
    const int a = static_cast<int>(o.agent);
    run.record(deadline_, a);
    run.end(Outcome::breakdown, deadline_cause_, a);
    return;
  }
  // What each principal's opponents conceded last round (the model of an
  // imitator), taken before anyone moves this round.
  std::array<double, kMaxAgents> next{};
  const double n_principals = static_cast<double>(principals_.size());
  double total_drop = 0, total_share = 0;
  for (const Own& o : principals_) {
    total_drop += st.drop[o.agent];
    total_share += st.share[o.agent];
  }
  for (const Own& o : principals_) {
    const std::size_t i = o.agent;
    const double gap = std::max(0.0, t.aspiration[i] - t.reservation[i]);
    const double speed = (1 + t.pressure[i]) * (kMistrustPace + (1 - kMistrustPace) * t.trust[i]);
    double fall = 0;
    const bool opening_move = !st.conceded_before && o.tactic != Tactic::time;
    if (o.tactic == Tactic::geometric || opening_move) {
      fall = gap * std::min(1.0, run.param(o.rate) * speed);
    } else if (o.tactic == Tactic::time) {
      // The clock runs from 0 in round 1 to 1 at the deadline (the horizon
      // when none is given); the aspiration is r + opening (1 - clock^(1 /
      // (beta m))): pressure and mistrust bend the curve (m > 1 concedes
      // earlier, m < 1 later), never the deadline, where it is r exactly.
      const double span =
          o.deadline != kNoParam ? run.param(o.deadline) : run.scenario().rounds.horizon;
      if (span > 1) st.clock[i] = std::min(1.0, t.round / (span - 1));
      const double shape = run.param(o.beta) * speed;
      const double target =
          t.reservation[i] + st.opening[i] * (1 - std::pow(st.clock[i], 1 / shape));
      fall = std::clamp(t.aspiration[i] - target, 0.0, gap);
    } else {
      // The others' mean concession of last round, copied as a share of
      // the gap (imitative) or as an amount of utility (tit for tat).
      const double others = n_principals - 1;
      const double share = others > 0 ? (total_share - st.share[i]) / others : 0;
      const double drop = others > 0 ? (total_drop - st.drop[i]) / others : 0;
      fall = o.tactic == Tactic::imitative ? gap * std::min(1.0, share * speed)
                                           : std::min(gap, drop * speed);
    }
    run.trace(pace_, static_cast<int>(i), gap > 0 ? fall / gap : 0);
    next[i] = t.aspiration[i] - fall;
  }
  for (const Own& o : principals_) {
    const std::size_t i = o.agent;
    const double gap = t.aspiration[i] - t.reservation[i];
    st.drop[i] = t.aspiration[i] - next[i];
    st.share[i] = gap > kConceded ? st.drop[i] / gap : 0;
    t.conceded[i] = st.share[i];
    t.aspiration[i] = next[i];
  }
  st.conceded_before = true;
}

}  // namespace negsim::model
