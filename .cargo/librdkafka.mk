# Read by GNU make before librdkafka's own makefiles: .cargo/config.toml names it in MAKEFILES.
# The only make a build here runs is rdkafka-sys's build of librdkafka, for the Kafka tests.

# `make libs` also builds librdkafka's C++ wrapper (src-cpp, 12 files); rdkafka links only the C
# library.
override LIBSUBDIRS = src

# librdkafka is configured with `-g -O2` (in CPPFLAGS, before CFLAGS on the compiler's line; the
# last -g and -O win). Without debug symbols, and without optimisation when cargo builds for a
# profile without it (OPT_LEVEL is cargo's, inherited from rdkafka-sys's build script): the tests
# do not need an optimised librdkafka, and the benchmarks' release build keeps -O2. rdkafka-sys
# hands your CFLAGS to librdkafka's configure: set any, and neither is added.
ifeq ($(strip $(CFLAGS)),)
%.o: CFLAGS += -g0
ifeq ($(OPT_LEVEL),0)
%.o: CFLAGS += -O0
endif
endif
