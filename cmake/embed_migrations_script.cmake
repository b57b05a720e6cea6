# Run by kam_embed_migrations at build time: writes OUT from FILES.
set(body "")
foreach(file ${FILES})
  get_filename_component(base ${file} NAME_WE)
  if(NOT base MATCHES "^([0-9]+)_([A-Za-z0-9_]+)$")
    message(FATAL_ERROR "migration file ${file} must be named NNNN_name.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name ${CMAKE_MATCH_2})
  file(READ ${file} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"kam_sql(${sql})kam_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp
"// Generated from the migrations folder by cmake/EmbedMigrations.cmake.\n\
#include <vector>\n\
#include \"common/db/migrator.h\"\n\
namespace ${NAMESPACE} {\n\
const std::vector<kam::common::Migration>& Migrations() {\n\
  static const std::vector<kam::common::Migration> migrations = {\n\
${body}  };\n\
  return migrations;\n\
}\n\
}  // namespace ${NAMESPACE}\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
