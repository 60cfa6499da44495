"""ape-livepeer-migration: Livepeer's L1 -> L2 stake migration as an Ape plugin."""

from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent

# The one set of Ape packages known to import together (see docs/toolchain.md):
# an unpinned install resolves to an ape-foundry that fails to import.
install_requires = [
    "eth-ape==0.8.51",
    "ape-solidity==0.8.6",
    "ape-foundry==0.8.12",
    "ape-arbitrum==0.8.6",
    "evm-trace==0.2.6",
    "eth-pydantic-types==0.2.7",
    "click>=8.1,<8.2",
    "rich>=13",
    # eth-keys signs, recovers and derives keys through coincurve (libsecp256k1) when it is installed, else in pure
    # Python: about a tenth of the CPU of `ape livepeer deploy` (bench/user_wait.py)
    "coincurve>=20,<22",
]

extras_require = {
    "test": [
        "pytest>=8,<9",
        "pytest-xdist==3.8.0",
        "hypothesis>=6.100,<7",
    ],
    "lint": [
        "ruff==0.17.6",
        "mypy==2.4.1",
    ],
}

setup(
    name="ape-livepeer-migration",
    version="0.1.0",
    description="Ape plugin: migrate Livepeer stake from Ethereum L1 to Arbitrum, bridge LPT, call reward on L2",
    long_description=(here / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10,<3.13",
    packages=find_packages(include=["ape_livepeer_migration", "ape_livepeer_migration.*"]),
    # The compiled contract types the plugin deploys (`make artifacts`): users compile nothing.
    package_data={"ape_livepeer_migration": ["py.typed", "toolchain/solc.js", "data/contracts/*.json"]},
    include_package_data=True,
    install_requires=install_requires,
    extras_require=extras_require,
    entry_points={
        "ape_cli_subcommands": ["ape_livepeer=ape_livepeer_migration._cli:cli"],
        "pytest11": ["ape_livepeer=ape_livepeer_migration.testing.fixtures"],
    },
    license="MIT",
    classifiers=[
        "Framework :: Pytest",
        "Programming Language :: Python :: 3",
        "Programming Language :: Solidity",
    ],
)
