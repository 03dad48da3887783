/** @file
 * alog/version.h - the version printed by --version and the report's
 * alog= header.  Part of the public API: alog.h includes it.
 */
#ifndef ALOG_VERSION_H
#define ALOG_VERSION_H

#define ALOG_VERSION "1.0.0" ///< version printed by --version and alog=

#endif
