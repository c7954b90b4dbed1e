//! Link tables (many-to-many): participants, partners, members, executing institutions,
//! themes and a fieldlab's regions. All have the same shape, a pair of keys, so one macro
//! defines them.

macro_rules! koppeling {
    ($(#[$doc:meta])* $module:ident, $table:literal, $left:ident, $right:ident: $right_ty:ty) => {
        $(#[$doc])*
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub $left: i32,
                #[sea_orm(primary_key, auto_increment = false)]
                pub $right: $right_ty,
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

koppeling!(
    /// `fieldlab_themas`
    fieldlab_thema, "fieldlab_themas", fieldlab_id, thema_code: String
);
koppeling!(
    /// `fieldlab_regios`: the regions a fieldlab lies in (one or more).
    fieldlab_regio, "fieldlab_regios", fieldlab_id, regio: crate::domain::Regio
);
koppeling!(
    /// `lectoraat_themas`
    lectoraat_thema, "lectoraat_themas", lectoraat_id, thema_code: String
);
koppeling!(
    /// `lectoraat_partners`: rijkspartners linked to a lectoraat (they may read it).
    lectoraat_partner, "lectoraat_partners", lectoraat_id, organisatie_id: i32
);
koppeling!(
    /// `lectoraat_fieldlabs`
    lectoraat_fieldlab, "lectoraat_fieldlabs", lectoraat_id, fieldlab_id: i32
);
koppeling!(
    /// `minor_themas`
    minor_thema, "minor_themas", minor_id, thema_code: String
);
koppeling!(
    /// `minor_partners`: rijkspartners that co-develop a minor (they may read it).
    minor_partner, "minor_partners", minor_id, organisatie_id: i32
);
koppeling!(
    /// `community_themas`
    community_thema, "community_themas", community_id, thema_code: String
);
koppeling!(
    /// `community_leden`: member organisations of a community (they may read it).
    community_lid, "community_leden", community_id, organisatie_id: i32
);
koppeling!(
    /// `opdracht_themas`
    opdracht_thema, "opdracht_themas", opdracht_id, thema_code: String
);
koppeling!(
    /// `opdracht_uitvoerders`: the kennisinstellingen that carry out an opdracht.
    opdracht_uitvoerder, "opdracht_uitvoerders", opdracht_id, organisatie_id: i32
);
koppeling!(
    /// `opdracht_uitvoerder_intrekkingen`: kennisinstellingen that withdrew themselves as
    /// uitvoerder of an opdracht (`withdrawUitvoerder`); the owner cannot name them again.
    opdracht_intrekking, "opdracht_uitvoerder_intrekkingen", opdracht_id, organisatie_id: i32
);

/// `fieldlab_deelnemers`: participating organisations of a fieldlab, with their role.
pub mod fieldlab_deelnemer {
    use crate::domain::DeelnemerRol;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fieldlab_deelnemers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub fieldlab_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisatie_id: i32,
        pub rol: DeelnemerRol,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

koppeling!(
    /// `vraagstuk_themas`
    vraagstuk_thema, "vraagstuk_themas", vraagstuk_id, thema_code: String
);
koppeling!(
    /// `vraagstuk_regios`: the regions a vraagstuk is asked in (one or more); their
    /// kennismakelaars handle it.
    vraagstuk_regio, "vraagstuk_regios", vraagstuk_id, regio: crate::domain::Regio
);
koppeling!(
    /// `vraagstuk_voorleggingen`: the kennisinstellingen a vraagstuk was proposed to (they may
    /// read it and answer).
    vraagstuk_voorlegging, "vraagstuk_voorleggingen", vraagstuk_id, organisatie_id: i32
);
koppeling!(
    /// `vraagstuk_opdrachten`: the opdrachten that answer a vraagstuk.
    vraagstuk_opdracht, "vraagstuk_opdrachten", vraagstuk_id, opdracht_id: i32
);

koppeling!(
    /// `vraagstuk_makelaars`: the kennismakelaar duo that handles a vraagstuk.
    vraagstuk_makelaar, "vraagstuk_makelaars", vraagstuk_id, kennismakelaar_id: i32
);
koppeling!(
    /// `kennismakelaar_regios`: the regions a kennismakelaar works in (one or more).
    kennismakelaar_regio, "kennismakelaar_regios", kennismakelaar_id, regio: crate::domain::Regio
);

/// `vraagstuk_reacties`: the answer of a kennisinstelling to a vraagstuk proposed to it.
pub mod vraagstuk_reactie {
    use crate::domain::Reactie;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vraagstuk_reacties")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub vraagstuk_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisatie_id: i32,
        pub reactie: Reactie,
        pub toelichting: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

koppeling!(
    /// `bijeenkomst_partners`: the organisations that organise a bijeenkomst with its owner.
    bijeenkomst_partner, "bijeenkomst_partners", bijeenkomst_id, organisatie_id: i32
);
koppeling!(
    /// `bijeenkomst_themas`
    bijeenkomst_thema, "bijeenkomst_themas", bijeenkomst_id, thema_code: String
);
