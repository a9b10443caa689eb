//! The ArchiMate 3.2 element and relationship types, with the names the
//! exchange format and the built-in `archimate` metamodel give them.

/// An element type: its `xsi:type` in the exchange format, the kozo kind
/// of `use archimate`, and the layer it sits on (which also names the
/// default folder it is filed under).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElementType {
    pub xsi: &'static str,
    pub kind: &'static str,
    pub layer: &'static str,
}

/// A relationship type: its `xsi:type` and its kozo relation kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelationshipType {
    pub xsi: &'static str,
    pub relation: &'static str,
}

/// Every element type of ArchiMate 3.2, junctions included.
pub const ELEMENT_TYPES: &[ElementType] = &[
    ElementType {
        xsi: "Resource",
        kind: "resource",
        layer: "strategy",
    },
    ElementType {
        xsi: "Capability",
        kind: "capability",
        layer: "strategy",
    },
    ElementType {
        xsi: "ValueStream",
        kind: "value_stream",
        layer: "strategy",
    },
    ElementType {
        xsi: "CourseOfAction",
        kind: "course_of_action",
        layer: "strategy",
    },
    ElementType {
        xsi: "BusinessActor",
        kind: "business_actor",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessRole",
        kind: "business_role",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessCollaboration",
        kind: "business_collaboration",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessInterface",
        kind: "business_interface",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessProcess",
        kind: "business_process",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessFunction",
        kind: "business_function",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessInteraction",
        kind: "business_interaction",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessEvent",
        kind: "business_event",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessService",
        kind: "business_service",
        layer: "business",
    },
    ElementType {
        xsi: "BusinessObject",
        kind: "business_object",
        layer: "business",
    },
    ElementType {
        xsi: "Contract",
        kind: "contract",
        layer: "business",
    },
    ElementType {
        xsi: "Representation",
        kind: "representation",
        layer: "business",
    },
    ElementType {
        xsi: "Product",
        kind: "product",
        layer: "business",
    },
    ElementType {
        xsi: "ApplicationComponent",
        kind: "application_component",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationCollaboration",
        kind: "application_collaboration",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationInterface",
        kind: "application_interface",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationFunction",
        kind: "application_function",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationInteraction",
        kind: "application_interaction",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationProcess",
        kind: "application_process",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationEvent",
        kind: "application_event",
        layer: "application",
    },
    ElementType {
        xsi: "ApplicationService",
        kind: "application_service",
        layer: "application",
    },
    ElementType {
        xsi: "DataObject",
        kind: "data_object",
        layer: "application",
    },
    ElementType {
        xsi: "Node",
        kind: "node",
        layer: "technology",
    },
    ElementType {
        xsi: "Device",
        kind: "device",
        layer: "technology",
    },
    ElementType {
        xsi: "SystemSoftware",
        kind: "system_software",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyCollaboration",
        kind: "technology_collaboration",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyInterface",
        kind: "technology_interface",
        layer: "technology",
    },
    ElementType {
        xsi: "Path",
        kind: "path",
        layer: "technology",
    },
    ElementType {
        xsi: "CommunicationNetwork",
        kind: "communication_network",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyFunction",
        kind: "technology_function",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyProcess",
        kind: "technology_process",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyInteraction",
        kind: "technology_interaction",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyEvent",
        kind: "technology_event",
        layer: "technology",
    },
    ElementType {
        xsi: "TechnologyService",
        kind: "technology_service",
        layer: "technology",
    },
    ElementType {
        xsi: "Artifact",
        kind: "artifact",
        layer: "technology",
    },
    ElementType {
        xsi: "Equipment",
        kind: "equipment",
        layer: "physical",
    },
    ElementType {
        xsi: "Facility",
        kind: "facility",
        layer: "physical",
    },
    ElementType {
        xsi: "DistributionNetwork",
        kind: "distribution_network",
        layer: "physical",
    },
    ElementType {
        xsi: "Material",
        kind: "material",
        layer: "physical",
    },
    ElementType {
        xsi: "Stakeholder",
        kind: "archimate_stakeholder",
        layer: "motivation",
    },
    ElementType {
        xsi: "Driver",
        kind: "driver",
        layer: "motivation",
    },
    ElementType {
        xsi: "Assessment",
        kind: "assessment",
        layer: "motivation",
    },
    ElementType {
        xsi: "Goal",
        kind: "goal",
        layer: "motivation",
    },
    ElementType {
        xsi: "Outcome",
        kind: "outcome",
        layer: "motivation",
    },
    ElementType {
        xsi: "Principle",
        kind: "principle",
        layer: "motivation",
    },
    ElementType {
        xsi: "Requirement",
        kind: "requirement",
        layer: "motivation",
    },
    ElementType {
        xsi: "Constraint",
        kind: "constraint",
        layer: "motivation",
    },
    ElementType {
        xsi: "Meaning",
        kind: "meaning",
        layer: "motivation",
    },
    ElementType {
        xsi: "Value",
        kind: "value",
        layer: "motivation",
    },
    ElementType {
        xsi: "WorkPackage",
        kind: "work_package",
        layer: "implementation_migration",
    },
    ElementType {
        xsi: "Deliverable",
        kind: "deliverable",
        layer: "implementation_migration",
    },
    ElementType {
        xsi: "ImplementationEvent",
        kind: "implementation_event",
        layer: "implementation_migration",
    },
    ElementType {
        xsi: "Plateau",
        kind: "plateau",
        layer: "implementation_migration",
    },
    ElementType {
        xsi: "Gap",
        kind: "gap",
        layer: "implementation_migration",
    },
    ElementType {
        xsi: "Grouping",
        kind: "grouping",
        layer: "other",
    },
    ElementType {
        xsi: "Location",
        kind: "location",
        layer: "other",
    },
    ElementType {
        xsi: "AndJunction",
        kind: "and_junction",
        layer: "other",
    },
    ElementType {
        xsi: "OrJunction",
        kind: "or_junction",
        layer: "other",
    },
];

/// Every relationship type of ArchiMate 3.2.
pub const RELATIONSHIP_TYPES: &[RelationshipType] = &[
    RelationshipType {
        xsi: "Composition",
        relation: "composition",
    },
    RelationshipType {
        xsi: "Aggregation",
        relation: "aggregation",
    },
    RelationshipType {
        xsi: "Assignment",
        relation: "assignment",
    },
    RelationshipType {
        xsi: "Realization",
        relation: "realization",
    },
    RelationshipType {
        xsi: "Serving",
        relation: "serving",
    },
    RelationshipType {
        xsi: "Access",
        relation: "access",
    },
    RelationshipType {
        xsi: "Influence",
        relation: "influence",
    },
    RelationshipType {
        xsi: "Triggering",
        relation: "triggering",
    },
    RelationshipType {
        xsi: "Flow",
        relation: "flow",
    },
    RelationshipType {
        xsi: "Specialization",
        relation: "specialization",
    },
    RelationshipType {
        xsi: "Association",
        relation: "association",
    },
];

/// The element type of an `xsi:type`.
pub fn element_by_xsi(xsi: &str) -> Option<&'static ElementType> {
    ELEMENT_TYPES.iter().find(|t| t.xsi == xsi)
}

/// The element type of a kozo kind.
pub fn element_by_kind(kind: &str) -> Option<&'static ElementType> {
    ELEMENT_TYPES.iter().find(|t| t.kind == kind)
}

/// The relationship type of an `xsi:type`.
pub fn relationship_by_xsi(xsi: &str) -> Option<&'static RelationshipType> {
    RELATIONSHIP_TYPES.iter().find(|t| t.xsi == xsi)
}

/// The relationship type of a kozo relation kind.
pub fn relationship_by_relation(relation: &str) -> Option<&'static RelationshipType> {
    RELATIONSHIP_TYPES.iter().find(|t| t.relation == relation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_in_the_builtin_metamodel() {
        let source = kozo_engine::builtin::ARCHIMATE_SOURCE;
        for t in ELEMENT_TYPES {
            assert!(
                source.contains(&format!("\nkind {} ", t.kind)),
                "{}",
                t.kind
            );
        }
        for t in RELATIONSHIP_TYPES {
            assert!(
                source.contains(&format!("\nrelation {} ", t.relation)),
                "{}",
                t.relation
            );
        }
    }
}
