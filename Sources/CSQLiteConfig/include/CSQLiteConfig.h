#ifndef SQUAWK_CSQLITECONFIG_H
#define SQUAWK_CSQLITECONFIG_H

/// Turns off SQLite's memory statistics for the whole process (`SQLITE_CONFIG_MEMSTATUS`, 0):
/// with them on, every allocation SQLite makes takes a global mutex. Effective only before
/// SQLite is initialised (before the first database is opened); returns SQLITE_OK, or
/// SQLITE_MISUSE when it is too late (nothing changes then). `sqlite3_config` is variadic, which
/// Swift cannot call: hence this one-line C target.
int squawk_sqlite_disable_memstatus(void);

#endif
