# Settings every KernelLens target takes by linking KernelLens::flags.
add_library(kernellens_flags INTERFACE)
add_library(KernelLens::flags ALIAS kernellens_flags)

target_compile_definitions(kernellens_flags INTERFACE
  # GLib (under GMime) and Xapian use the words signals/slots; Qt must not define them.
  QT_NO_KEYWORDS
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CAST_FROM_BYTEARRAY
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_FOREACH
  QT_USE_QSTRINGBUILDER
  QT_DISABLE_DEPRECATED_BEFORE=0x060400
  KERNELLENS_VERSION="${PROJECT_VERSION}")

target_compile_options(kernellens_flags INTERFACE
  -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${KERNELLENS_WERROR}>:-Werror>)

if(KERNELLENS_SANITIZE)
  target_compile_options(kernellens_flags INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(kernellens_flags INTERFACE -fsanitize=address,undefined)
endif()
