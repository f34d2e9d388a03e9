#pragma once
// What a firm does for and about its customers besides its service and
// complaint handling (models/mechanisms/ComplaintRecovery.hpp): its policy.
// Every strategy is off (or costs nothing) unless configured; experiments
// compare policies as named bundles of these settings.
#include "models/strategies/AcquisitionSpend.hpp"
#include "models/strategies/LoyaltyProgramme.hpp"
#include "models/strategies/RelationshipTactics.hpp"
#include "models/strategies/SwitchingPrevention.hpp"
#include "models/strategies/Termination.hpp"
#include "models/strategies/WinBack.hpp"

namespace models {

struct FirmStrategies {
    LoyaltyProgramme loyalty;
    RelationshipTactics tactics;
    SwitchingPrevention prevention;
    Termination termination;
    WinBack win_back;
    AcquisitionSpend acquisition;
};

}  // namespace models
