#pragma once
// Satisfaction after this tick's encounter. Good service closes a fixed share
// of the gap to full satisfaction; after a failure, satisfaction becomes the
// customer's repurchase intention for their (outcome, severity) group, so a
// well-recovered customer ends more satisfied than a silent one.
#include "models/mechanisms/RepurchaseIntention.hpp"

namespace models {

struct SatisfactionUpdate {
    double good_service_gain = 0.05;  // share of (1 - s) gained per good tick

    double after_good_service(double s) const { return s + good_service_gain * (1.0 - s); }
    static double after_failure(double repurchase) { return repurchase; }
};

}  // namespace models
