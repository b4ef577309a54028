// The mediator's texts: weighted Nash bargaining solution or compromise model, with a drafting
// error (docs/MODEL.md, mechanism "drafting").
#pragma once

#include <array>
#include <span>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Drafting final : public Mechanism {
 public:
  const char* name() const override { return "drafting"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

  /// Slack, in levels, when asking which levels lie inside the text space.
  static constexpr double kLevelSlack = 1e-9;
  /// Bisection steps of a direct offer along its segment (2^-40 of it).
  static constexpr int kOfferSteps = 40;

 private:
  struct State {
    std::array<double, kMaxAgents> weight;  ///< per principal (in principal order): Nash weight
    IssueVec full_clean, interim_clean;     ///< texts before the drafting error: the warm start
    std::array<double, kMaxAgents> tilt;    ///< per agent: the product of the biases toward it
    bool have_texts;
    double noise_sd;
  };
  struct Bias {
    ParamId amount = kNoParam;
    std::size_t toward = 0;
  };
  std::size_t state_ = 0;
  std::vector<ParamId> skills_;  ///< per mediator
  std::vector<Bias> biases_;     ///< per mediator with a bias
  ParamId text_noise_ = kNoParam;
  StreamId stream_ = 0;
  FieldId full_text_ = 0, interim_text_ = 0, no_zone_ = 0, proposes_ = 0;
  bool direct_ = false;  ///< no mediator: the principals bargain by alternating offers
  /// A direct offer from principal `proposer` in `space` (docs/MODEL.md §3.10).
  void offer(Run& run, std::size_t proposer, const TextSpace& space, IssueVec& text) const;
  /// The mediator's formulation (docs/MODEL.md §3.11): from its clean text,
  /// toward the principals it reads as refusing, as far as needed and as
  /// the others allow.
  void formulate(Run& run, const TextSpace& space, IssueVec& text) const;
  /// The drafting error (sd State::noise_sd) on the issues the text
  /// settles, then the levels (docs/MODEL.md §3.7, §3.8).
  void add_error(Run& run, const TextSpace& space, IssueVec& text) const;
  /// The mediated texts: the clean Nash or compromise text, formulated,
  /// with the drafting error.
  void draft_texts(Run& run, std::span<const Voice> voices, std::span<const Party> parties) const;
};

}  // namespace negsim::model
