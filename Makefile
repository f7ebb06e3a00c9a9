# Two entry points for a fresh Debian/Ubuntu machine (see README):
#   make demo   install everything, then render the default explainer into renders/
#   make test   install everything, then run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Libraries pycairo and manimpango build against, plus a font for Pango's text.
SYSTEM_PACKAGES := build-essential pkg-config python3-dev python3-venv \
                   libcairo2-dev libpango1.0-dev fonts-dejavu-core gifsicle

.PHONY: demo test install system-deps clean

demo: install
	$(BIN)/netreel explainer --jobs 2

test: install
	$(BIN)/python -m pytest

install: $(VENV)/.installed

# apt runs only when something is missing, so a ready machine needs no sudo.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing system packages:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
