"""The endpoint's use cases: booking and cancelling under the core's rules, inside one
locked transaction. Called by the API and the staff pages alike."""
