# kam_embed_migrations(<target> <namespace> <dir>): compiles every
# <dir>/NNNN_name.sql into <target> as
#   const std::vector<kam::common::Migration>& <namespace>::Migrations();
# so a service binary carries its schema with it.
set(KAM_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_migrations_script.cmake)

function(kam_embed_migrations target namespace dir)
  file(GLOB files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${namespace}
            "-DFILES=${files}" -P ${KAM_EMBED_SCRIPT}
    DEPENDS ${files} ${KAM_EMBED_SCRIPT}
    COMMENT "Embedding migrations of ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
