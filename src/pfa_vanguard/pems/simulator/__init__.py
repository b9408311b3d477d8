"""A PEMS simulator that behaves as an HxGN EAM tenant, with realistic data and
misbehaviour on demand. `start_simulator()` for tests and the demo; `pfa pems-sim` standalone."""

from pfa_vanguard.pems.simulator.app import create_app
from pfa_vanguard.pems.simulator.faults import Fault, Faults
from pfa_vanguard.pems.simulator.generator import DEMO_ORGS, generate_org
from pfa_vanguard.pems.simulator.options import OptionsError, TenantOptions
from pfa_vanguard.pems.simulator.server import RunningSimulator, start_simulator
from pfa_vanguard.pems.simulator.state import SimulatorState

__all__ = [
    "DEMO_ORGS",
    "Fault",
    "Faults",
    "OptionsError",
    "RunningSimulator",
    "SimulatorState",
    "TenantOptions",
    "create_app",
    "generate_org",
    "start_simulator",
]
