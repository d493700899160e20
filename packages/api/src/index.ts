// Public face of the generated API. Everything under gen/ comes from `npm run generate`.
export * from "./gen/ferry/v1/admin_service_pb";
export * from "./gen/ferry/v1/agent_link_pb";
export * from "./gen/ferry/v1/import_agent_pb";
export * from "./gen/ferry/v1/import_service_pb";
export * from "./gen/ferry/v1/import_types_pb";
