# Every dependency comes from a Debian 12 package; see README.md for the list.
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Svg Test)
if(KERNELLENS_BUILD_GUI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets Charts)
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.35)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0>=3.2)
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core>=1.4)
find_package(ZLIB REQUIRED)
find_library(LIBLINEAR_LIBRARY NAMES linear REQUIRED)
find_path(LIBLINEAR_INCLUDE_DIR NAMES linear.h PATH_SUFFIXES liblinear REQUIRED)
add_library(liblinear::liblinear UNKNOWN IMPORTED)
set_target_properties(liblinear::liblinear PROPERTIES
  IMPORTED_LOCATION "${LIBLINEAR_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${LIBLINEAR_INCLUDE_DIR}")
set(CMAKE_AUTOMOC ON)
