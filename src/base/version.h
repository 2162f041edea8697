/* version.h - the hardneg version string */
#ifndef HN_VERSION_H
#define HN_VERSION_H
#define HN_VERSION "0.1.0"
#endif
