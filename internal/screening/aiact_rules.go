package screening

import "aigrid/internal/questionnaire"

// The AI Act rules as data: how the system is classified (Regulation (EU) 2024/1689 as amended in
// 2026) and what each role owes, from when, with the grid's questions that can evidence it.

// SourceAIAct is the AI Act as published.
var SourceAIAct = Source{
	Title: t("Regulation (EU) 2024/1689 laying down harmonised rules on artificial intelligence (AI Act), Official Journal L of 12 July 2024",
		"Règlement (UE) 2024/1689 établissant des règles harmonisées concernant l’intelligence artificielle (RIA), JOUE L du 12 juillet 2024"),
	Date: "2024-07-12",
	URL:  "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
}

// SourceOmnibus is the 2026 amendment, known only from secondary sources.
var SourceOmnibus = Source{
	Title: t("Amendment of the AI Act known as the “Digital Omnibus on AI”, adopted by the European Parliament on 16 June 2026 and by the Council on 29 June 2026",
		"Modification du RIA dite « omnibus numérique sur l’IA », adoptée par le Parlement européen le 16 juin 2026 et par le Conseil le 29 juin 2026"),
	Date: "2026-06-29",
	Note: t("As reported by law-firm and specialist publications of June–November 2026: Annex III high-risk obligations from 2 December 2027, Annex I from 2 August 2028, a new Article 5 prohibition on generating child sexual abuse material or non-consensual intimate imagery from 2 December 2026, and until 2 December 2026 for the Art. 50(2) marking of systems already on the market. aigrid could not read the Official Journal text of the amendment; check the dates against it.",
		"Selon des publications de cabinets et de spécialistes de juin à novembre 2026 : obligations des systèmes à haut risque de l’annexe III à compter du 2 décembre 2027, de l’annexe I à compter du 2 août 2028, nouvelle interdiction à l’article 5 de générer des contenus pédopornographiques ou des images intimes non consenties à compter du 2 décembre 2026, et jusqu’au 2 décembre 2026 pour le marquage de l’article 50.2 des systèmes déjà sur le marché. aigrid n’a pas pu lire le texte de la modification au Journal officiel : vérifiez les dates sur ce texte."),
}

// The dates of application. Those marked amended come from the 2026 amendment as reported.
const (
	dateProhibitions = "2025-02-02" // Art. 113(a): Chapters I and II (Art. 4, Art. 5)
	dateCSAM         = "2026-12-02" // amended: the new Art. 5 prohibition
	dateGPAI         = "2025-08-02" // Art. 113(b): Chapter V
	dateGPAIExisting = "2027-08-02" // Art. 111(3): models placed on the market before 2 August 2025
	dateTransparency = "2026-08-02" // Art. 113: general date, Art. 50
	dateMarkingGrace = "2026-12-02" // amended: Art. 50(2) for systems already on the market
	dateAnnexIII     = "2027-12-02" // amended
	dateAnnexI       = "2028-08-02" // amended
)

// The classification categories.
const (
	CatProhibited    = "prohibited"
	CatAnnexIII      = "high_risk_annex_iii"
	CatAnnexI        = "high_risk_annex_i"
	CatGPAI          = "gpai"
	CatGPAISystemic  = "gpai_systemic"
	CatTransparency  = "transparency"
	CatNone          = "none"
	CatCannotTell    = "cannot_tell"
	prohibitedNoCSAM = "prohibited_before_2026"
)

var prohibitedPractices = []string{"manipulation", "exploits_vulnerabilities", "social_scoring", "crime_prediction",
	"facial_scraping", "emotion_work_education", "biometric_categorisation", "realtime_biometric_id", "csam_ncii"}

var annexIIIAreas = []string{"biometrics", "critical_infrastructure", "education", "employment", "public_benefits",
	"credit_scoring", "insurance_pricing", "law_enforcement", "migration", "justice_democracy"}

var aiActSources = []Source{SourceAIAct}

// aiactRules returns the category rules (the high-risk and "none" outcomes combine them in AIAct).
func aiactRules() []rule {
	return []rule{prohibitedRule, annexIIIAreaRule, annexIRule, narrowTaskRule, profilingRule, gpaiRule, gpaiSystemicRule,
		transparencyInteractRule, transparencyGenerateRule, transparencyBiometricRule, publicServiceRule}
}

var prohibitedRule = rule{id: CatProhibited, refs: []string{"AI Act Art. 5"}, sources: []Source{SourceAIAct, SourceOmnibus},
	title:       t("Prohibited practice", "Pratique interdite"),
	explanation: t("Article 5 bans some AI practices outright: they may be neither placed on the market, nor put into service, nor used.", "L’article 5 interdit purement et simplement certaines pratiques d’IA : elles ne peuvent être ni mises sur le marché, ni mises en service, ni utilisées."),
	any:         []signal{{ref: "profile:ai_act_prohibited", in: prohibitedPractices, decisive: true}}}

var annexIIIAreaRule = rule{id: CatAnnexIII, refs: []string{"AI Act Art. 6(2)", "AI Act Annex III"}, sources: []Source{SourceAIAct, SourceOmnibus},
	title:       t("High-risk: use in an Annex III area", "Haut risque : usage dans un domaine de l’annexe III"),
	explanation: t("A system intended for a use listed in Annex III is high-risk (Art. 6(2)), unless the exception of Art. 6(3) applies.", "Un système destiné à un usage énuméré à l’annexe III est à haut risque (article 6.2), sauf si l’exception de l’article 6.3 s’applique."),
	any:         []signal{{ref: "profile:ai_act_area", in: annexIIIAreas, decisive: true}}}

var annexIRule = rule{id: CatAnnexI, refs: []string{"AI Act Art. 6(1)", "AI Act Annex I"}, sources: []Source{SourceAIAct, SourceOmnibus},
	title:       t("High-risk: product or safety component under Annex I", "Haut risque : produit ou composant de sécurité relevant de l’annexe I"),
	explanation: t("A system that is a product, or the safety component of a product, covered by the EU law listed in Annex I and that needs a third-party conformity assessment is high-risk (Art. 6(1)).", "Un système qui est un produit, ou le composant de sécurité d’un produit, relevant de la législation de l’Union énumérée à l’annexe I et soumis à une évaluation de conformité par un tiers est à haut risque (article 6.1)."),
	any:         []signal{{ref: "profile:ai_act_product", in: []string{"yes"}, decisive: true}}}

var narrowTaskRule = rule{id: "narrow_task", refs: []string{"AI Act Art. 6(3)", "AI Act Art. 6(4)"}, sources: aiActSources,
	title:       t("Exception: narrow or preparatory task (Art. 6(3))", "Exception : tâche étroite ou préparatoire (article 6.3)"),
	explanation: t("A system of an Annex III area is not high-risk when it does not materially influence decisions: a narrow procedural task, improving work already done by a person, detecting patterns without replacing human assessment, or a preparatory task. It never applies to a system that profiles people. A provider relying on it documents its assessment before placing the system on the market (Art. 6(4)).", "Un système d’un domaine de l’annexe III n’est pas à haut risque lorsqu’il n’influence pas de manière significative les décisions : tâche procédurale étroite, amélioration d’un travail déjà fait par une personne, détection de tendances sans remplacer l’appréciation humaine, ou tâche préparatoire. Elle ne s’applique jamais à un système qui profile des personnes. Le fournisseur qui s’en prévaut documente son analyse avant la mise sur le marché (article 6.4)."),
	any:         []signal{{ref: "profile:ai_act_narrow_task", in: []string{"yes"}, decisive: true}}}

var profilingRule = rule{id: "profiling", refs: []string{"AI Act Art. 6(3)", "GDPR Art. 4(4)"}, sources: aiActSources,
	title:       t("The system profiles people", "Le système profile des personnes"),
	explanation: t("Profiling (GDPR Art. 4(4)) rules out the Art. 6(3) exception.", "Le profilage (article 4.4 du RGPD) exclut l’exception de l’article 6.3."),
	any: []signal{
		{ref: "q7.2.1", in: []string{"evaluation_scoring"}},
		{ref: "q6.3.1", in: []string{"assesses_people"}},
		{ref: "profile:automated_decisions", in: []string{"yes"}},
	}}

var gpaiRule = rule{id: CatGPAI, refs: []string{"AI Act Art. 53", "AI Act Art. 54"}, sources: aiActSources,
	title:       t("Provider of a general-purpose AI model", "Fournisseur d’un modèle d’IA à usage général"),
	explanation: t("Providers of general-purpose AI models have duties of their own (Chapter V), whatever the systems built on them.", "Les fournisseurs de modèles d’IA à usage général ont des obligations propres (chapitre V), quels que soient les systèmes construits à partir de ces modèles."),
	any:         []signal{{ref: "profile:gpai_model", in: []string{"yes", "systemic"}, decisive: true}}}

var gpaiSystemicRule = rule{id: CatGPAISystemic, refs: []string{"AI Act Art. 51", "AI Act Art. 55"}, sources: aiActSources,
	title:       t("General-purpose AI model with systemic risk", "Modèle d’IA à usage général présentant un risque systémique"),
	explanation: t("Models with systemic risk carry further duties: evaluation, adversarial testing, risk mitigation, incident reporting and cybersecurity.", "Les modèles présentant un risque systémique emportent des obligations supplémentaires : évaluation, tests adverses, atténuation des risques, signalement des incidents et cybersécurité."),
	any:         []signal{{ref: "profile:gpai_model", in: []string{"systemic"}}}}

var transparencyInteractRule = rule{id: "interacts", refs: []string{"AI Act Art. 50(1)"}, sources: aiActSources,
	title:       t("People interact directly with the system", "Des personnes interagissent directement avec le système"),
	explanation: t("People must be told they are dealing with an AI system, unless it is obvious.", "Les personnes doivent être informées qu’elles interagissent avec un système d’IA, sauf si c’est évident."),
	any:         []signal{{ref: "q6.3.1", in: []string{"interacts"}, decisive: true}}}

var transparencyGenerateRule = rule{id: "generates", refs: []string{"AI Act Art. 50(2)", "AI Act Art. 50(4)"}, sources: []Source{SourceAIAct, SourceOmnibus},
	title:       t("The system generates synthetic content", "Le système génère des contenus de synthèse"),
	explanation: t("Generated audio, images, video or text must be marked as artificial in a machine-readable way; deep fakes, and text published to inform the public, must be disclosed.", "Les sons, images, vidéos ou textes générés doivent être marqués comme artificiels dans un format lisible par machine ; les hypertrucages, et les textes publiés pour informer le public, doivent être signalés."),
	any: []signal{
		{ref: "q6.3.1", in: []string{"generates_content"}, decisive: true},
		{ref: "profile:generative_ai", in: []string{"yes"}},
	}}

var transparencyBiometricRule = rule{id: "biometric", refs: []string{"AI Act Art. 50(3)"}, sources: aiActSources,
	title:       t("Emotion recognition or biometric categorisation", "Reconnaissance des émotions ou catégorisation biométrique"),
	explanation: t("People exposed to emotion recognition or biometric categorisation must be told.", "Les personnes exposées à un système de reconnaissance des émotions ou de catégorisation biométrique doivent en être informées."),
	any:         []signal{{ref: "profile:ai_act_area", in: []string{"biometrics"}}}}

var publicServiceRule = rule{id: "public_service", refs: []string{"AI Act Art. 27(1)"}, sources: aiActSources,
	title:       t("Public body, or private body providing public services", "Organisme public, ou organisme privé assurant un service public"),
	explanation: t("Such deployers assess the impact on fundamental rights before using a high-risk system of Annex III.", "Ces déployeurs évaluent l’incidence sur les droits fondamentaux avant d’utiliser un système à haut risque de l’annexe III."),
	any:         []signal{{ref: "profile:public_service", in: []string{"yes"}, decisive: true}}}

// obligationRule is one duty as data: who owes it, when it applies, from which date, and which
// scored questions of the grid can evidence it.
type obligationRule struct {
	id       string
	role     string // provider, deployer, or "" for both roles
	when     string // a condition name of AIActResult.holds
	ref      string
	title    questionnaire.Text
	detail   questionnaire.Text
	date     string // "" for the high-risk date of the route that applies
	grace    string // a later date for some cases, explained in detail
	amended  bool   // the date comes from the 2026 amendment, as reported
	evidence []string
}

var obligations = []obligationRule{
	{id: "art4_literacy", when: "always", ref: "AI Act Art. 4", date: dateProhibitions, evidence: []string{"q7.4.5", "q1.5.3"},
		title:  t("Take measures supporting the AI literacy of staff and others operating the system", "Prendre des mesures favorisant la maîtrise de l’IA du personnel et des autres personnes utilisant le système"),
		detail: t("Applies to providers and deployers of any AI system since 2 February 2025. The 2026 amendment rewrote Article 4 as a duty to take measures supporting AI literacy (as reported; Official Journal text not read).", "S’applique aux fournisseurs et déployeurs de tout système d’IA depuis le 2 février 2025. La modification de 2026 a réécrit l’article 4 en obligation de prendre des mesures favorisant la maîtrise de l’IA (selon les sources disponibles ; texte du Journal officiel non lu).")},
	{id: "art5_stop", when: CatProhibited, ref: "AI Act Art. 5", evidence: []string{"q7.4.2"},
		title:  t("Stop the prohibited practice: do not place on the market, put into service or use the system for it", "Cesser la pratique interdite : ne pas mettre sur le marché, mettre en service ni utiliser le système à cette fin"),
		detail: t("Article 5 has applied since 2 February 2025; the ban on generating child sexual abuse material or non-consensual intimate imagery applies from 2 December 2026 (2026 amendment, as reported).", "L’article 5 s’applique depuis le 2 février 2025 ; l’interdiction de générer des contenus pédopornographiques ou des images intimes non consenties s’applique à compter du 2 décembre 2026 (modification de 2026, selon les sources disponibles).")},

	{id: "art6_4_document", role: "provider", when: "narrow_exception", ref: "AI Act Art. 6(4)", date: dateAnnexIII, amended: true, evidence: []string{"q7.4.3"},
		title:  t("Document why the Annex III system is not high-risk before placing it on the market", "Documenter pourquoi le système de l’annexe III n’est pas à haut risque avant sa mise sur le marché"),
		detail: t("Keep the assessment for the authorities. The 2024 text also asks for registration in the EU database (Art. 49(2)); check whether the 2026 amendment kept it.", "Tenez l’analyse à la disposition des autorités. Le texte de 2024 impose aussi l’enregistrement dans la base de données de l’UE (article 49.2) ; vérifiez si la modification de 2026 l’a maintenu.")},

	{id: "art9_risk", role: "provider", when: "high_risk", ref: "AI Act Art. 9", amended: true, evidence: []string{"q5.1.1", "q1.3.6", "q1.4.5"},
		title:  t("Run a risk management system over the whole life cycle", "Mettre en place un système de gestion des risques sur tout le cycle de vie"),
		detail: t("Identify, estimate and mitigate the risks to health, safety and fundamental rights, test the system against them, and keep doing so.", "Identifier, estimer et atténuer les risques pour la santé, la sécurité et les droits fondamentaux, tester le système au regard de ces risques, et recommencer.")},
	{id: "art10_data", role: "provider", when: "high_risk", ref: "AI Act Art. 10", amended: true, evidence: []string{"q2.5.1", "q2.5.2", "q2.6.1", "q3.4.6"},
		title:  t("Govern the training, validation and test data", "Encadrer les données d’entraînement, de validation et de test"),
		detail: t("Relevant, representative, as error-free and complete as possible, examined for biases, with documented origin and preparation.", "Pertinentes, représentatives, aussi exemptes d’erreurs et complètes que possible, examinées quant aux biais, avec une origine et une préparation documentées.")},
	{id: "art11_documentation", role: "provider", when: "high_risk", ref: "AI Act Art. 11", amended: true, evidence: []string{"q7.3.2", "q3.1.3"},
		title:  t("Draw up the technical documentation (Annex IV)", "Établir la documentation technique (annexe IV)"),
		detail: t("Before placing the system on the market, and keep it up to date.", "Avant la mise sur le marché, et la tenir à jour.")},
	{id: "art12_logging", role: "provider", when: "high_risk", ref: "AI Act Art. 12", amended: true, evidence: []string{"q5.2.1"},
		title:  t("Design the system to record events automatically (logs)", "Concevoir le système pour enregistrer automatiquement les événements (journaux)"),
		detail: t("So that its functioning can be traced over its lifetime.", "Afin que son fonctionnement puisse être retracé tout au long de sa vie.")},
	{id: "art13_instructions", role: "provider", when: "high_risk", ref: "AI Act Art. 13", amended: true, evidence: []string{"q3.6.4"},
		title:  t("Give deployers instructions for use", "Fournir aux déployeurs une notice d’utilisation"),
		detail: t("Intended purpose, accuracy and its limits, known risks, human oversight measures, logs.", "Destination, exactitude et ses limites, risques connus, mesures de contrôle humain, journaux.")},
	{id: "art14_oversight", role: "provider", when: "high_risk", ref: "AI Act Art. 14", amended: true, evidence: []string{"q4.1.4", "q3.6.1"},
		title:  t("Design the system for effective human oversight", "Concevoir le système pour un contrôle humain effectif"),
		detail: t("People overseeing it must be able to understand its outputs, guard against over-reliance, and override or stop it.", "Les personnes qui le contrôlent doivent pouvoir comprendre ses résultats, se prémunir contre une confiance excessive, et l’ignorer ou l’arrêter.")},
	{id: "art15_accuracy", role: "provider", when: "high_risk", ref: "AI Act Art. 15", amended: true, evidence: []string{"q3.4.4", "q5.4.7", "q5.1.5"},
		title:  t("Ensure accuracy, robustness and cybersecurity", "Garantir l’exactitude, la robustesse et la cybersécurité"),
		detail: t("Declared accuracy metrics, resilience to errors and to attacks such as data poisoning or adversarial examples.", "Métriques d’exactitude déclarées, résilience aux erreurs et aux attaques comme l’empoisonnement des données ou les exemples adverses.")},
	{id: "art17_qms", role: "provider", when: "high_risk", ref: "AI Act Art. 17", amended: true, evidence: []string{"q5.3.1", "q7.3.3"},
		title:  t("Put a quality management system in place", "Mettre en place un système de gestion de la qualité"),
		detail: t("Written policies and procedures covering design, testing, data management, post-market monitoring and incident reporting.", "Politiques et procédures écrites couvrant la conception, les tests, la gestion des données, la surveillance après commercialisation et le signalement des incidents.")},
	{id: "art43_conformity", role: "provider", when: "high_risk", ref: "AI Act Art. 43", amended: true,
		title:  t("Carry out the conformity assessment, draw up the EU declaration of conformity and affix the CE marking", "Réaliser l’évaluation de la conformité, établir la déclaration UE de conformité et apposer le marquage CE"),
		detail: t("Articles 43, 47 and 48; the grid does not ask about them.", "Articles 43, 47 et 48 ; la grille ne pose pas de question à ce sujet.")},
	{id: "art49_register", role: "provider", when: "high_risk_annex_iii", ref: "AI Act Art. 49", amended: true,
		title:  t("Register the system in the EU database before placing it on the market", "Enregistrer le système dans la base de données de l’UE avant sa mise sur le marché"),
		detail: t("For the high-risk systems of Annex III; the grid does not ask about it.", "Pour les systèmes à haut risque de l’annexe III ; la grille ne pose pas de question à ce sujet.")},
	{id: "art72_monitoring", role: "provider", when: "high_risk", ref: "AI Act Art. 72", amended: true, evidence: []string{"q4.2.1", "q4.2.3"},
		title:  t("Monitor the system after placing it on the market", "Surveiller le système après sa mise sur le marché"),
		detail: t("A post-market monitoring plan that collects and analyses data on its performance throughout its life.", "Un plan de surveillance après commercialisation qui collecte et analyse des données sur ses performances tout au long de sa vie.")},
	{id: "art73_incidents", role: "provider", when: "high_risk", ref: "AI Act Art. 73", amended: true, evidence: []string{"q4.2.4"},
		title:  t("Report serious incidents to the market surveillance authority", "Signaler les incidents graves à l’autorité de surveillance du marché"),
		detail: t("Without delay once a causal link is established, and at the latest within the periods Article 73 sets.", "Sans délai dès qu’un lien de causalité est établi, et au plus tard dans les délais fixés par l’article 73.")},

	{id: "art26_use_oversight", role: "deployer", when: "high_risk", ref: "AI Act Art. 26(1)", amended: true, evidence: []string{"q4.1.2", "q4.1.3"},
		title:  t("Use the system according to its instructions, under the oversight of competent, trained people", "Utiliser le système conformément à sa notice, sous le contrôle de personnes compétentes et formées"),
		detail: t("Article 26(1) and (2): technical and organisational measures, and human oversight by people with the competence, training, authority and support it needs.", "Article 26, paragraphes 1 et 2 : mesures techniques et organisationnelles, et contrôle humain par des personnes disposant des compétences, de la formation, de l’autorité et du soutien nécessaires.")},
	{id: "art26_monitoring", role: "deployer", when: "high_risk", ref: "AI Act Art. 26(5)", amended: true, evidence: []string{"q4.2.1", "q4.2.4", "q4.2.5"},
		title:  t("Monitor the system, and suspend it and inform the provider when it presents a risk", "Surveiller le fonctionnement du système, et le suspendre et informer le fournisseur s’il présente un risque"),
		detail: t("Also check that input data under your control are relevant and representative (Art. 26(4)).", "Vérifier aussi que les données d’entrée que vous maîtrisez sont pertinentes et représentatives (article 26.4).")},
	{id: "art26_logs", role: "deployer", when: "high_risk", ref: "AI Act Art. 26(6)", amended: true, evidence: []string{"q5.2.1"},
		title:  t("Keep the logs the system generates for at least six months", "Conserver les journaux générés par le système pendant au moins six mois"),
		detail: t("To the extent they are under your control, unless other law provides otherwise.", "Dans la mesure où ils sont sous votre contrôle, sauf disposition contraire d’autres textes.")},
	{id: "art26_workers", role: "deployer", when: "workplace", ref: "AI Act Art. 26(7)", amended: true,
		title:  t("Inform workers’ representatives and the workers concerned before using the system at the workplace", "Informer les représentants du personnel et les salariés concernés avant d’utiliser le système sur le lieu de travail"),
		detail: t("The grid does not ask about it.", "La grille ne pose pas de question à ce sujet.")},
	{id: "art26_inform", role: "deployer", when: "high_risk_annex_iii", ref: "AI Act Art. 26(11)", amended: true, evidence: []string{"q6.3.4"},
		title:  t("Tell the people concerned that a high-risk system is used to make or help make decisions about them", "Informer les personnes concernées qu’un système à haut risque est utilisé pour prendre ou aider à prendre des décisions les concernant"),
		detail: t("For the systems of Annex III that make or assist decisions about people; Article 86 adds a right to an explanation of individual decisions.", "Pour les systèmes de l’annexe III qui prennent ou aident à prendre des décisions sur des personnes ; l’article 86 ajoute un droit à l’explication des décisions individuelles.")},
	{id: "art26_dpia", role: "deployer", when: "high_risk", ref: "AI Act Art. 26(9)", amended: true, evidence: []string{"q7.2.3"},
		title:  t("Use the provider’s information to carry out your DPIA", "Utiliser les informations du fournisseur pour réaliser votre AIPD"),
		detail: t("Where a DPIA is required under GDPR Art. 35; see the DPIA screening.", "Lorsqu’une AIPD est requise par l’article 35 du RGPD ; voir l’analyse AIPD.")},
	{id: "art27_fria", role: "deployer", when: "fria", ref: "AI Act Art. 27", amended: true,
		title:  t("Carry out a fundamental rights impact assessment before first use, and notify its results to the market surveillance authority", "Réaliser une analyse d’impact sur les droits fondamentaux avant la première utilisation, et en notifier les résultats à l’autorité de surveillance du marché"),
		detail: t("It can build on your DPIA (Art. 27(4)); the grid does not ask about it.", "Elle peut s’appuyer sur votre AIPD (article 27.4) ; la grille ne pose pas de question à ce sujet.")},

	{id: "art50_1_interaction", role: "provider", when: "interacts", ref: "AI Act Art. 50(1)", date: dateTransparency, evidence: []string{"q6.3.2"},
		title:  t("Design the system so that people know they are interacting with AI", "Concevoir le système pour que les personnes sachent qu’elles interagissent avec une IA"),
		detail: t("Unless it is obvious to a reasonably well-informed person.", "Sauf si c’est évident pour une personne raisonnablement informée.")},
	{id: "art50_2_marking", role: "provider", when: "generates", ref: "AI Act Art. 50(2)", date: dateTransparency, grace: dateMarkingGrace, evidence: []string{"q6.3.3"},
		title:  t("Mark generated content as artificial in a machine-readable format", "Marquer les contenus générés comme artificiels dans un format lisible par machine"),
		detail: t("From 2 August 2026; systems placed on the market before that date have until 2 December 2026 (2026 amendment, as reported).", "À compter du 2 août 2026 ; les systèmes mis sur le marché avant cette date ont jusqu’au 2 décembre 2026 (modification de 2026, selon les sources disponibles).")},
	{id: "art50_3_biometric", role: "deployer", when: "biometric", ref: "AI Act Art. 50(3)", date: dateTransparency, evidence: []string{"q6.3.2"},
		title:  t("Inform people exposed to emotion recognition or biometric categorisation", "Informer les personnes exposées à la reconnaissance des émotions ou à la catégorisation biométrique"),
		detail: t("And process their personal data in line with the GDPR.", "Et traiter leurs données personnelles conformément au RGPD.")},
	{id: "art50_4_deepfake", role: "deployer", when: "generates", ref: "AI Act Art. 50(4)", date: dateTransparency, evidence: []string{"q6.3.3"},
		title:  t("Disclose deep fakes, and AI-generated text published to inform the public", "Signaler les hypertrucages, et les textes générés par IA publiés pour informer le public"),
		detail: t("Text that has undergone human review under editorial responsibility is exempt.", "Les textes revus par un humain sous une responsabilité éditoriale en sont exemptés.")},

	{id: "art53_documentation", role: "provider", when: CatGPAI, ref: "AI Act Art. 53(1)", date: dateGPAI, grace: dateGPAIExisting, evidence: []string{"q3.6.4", "q7.3.2"},
		title:  t("Keep the model’s technical documentation and give downstream providers the information they need", "Tenir la documentation technique du modèle et fournir aux fournisseurs en aval les informations dont ils ont besoin"),
		detail: t("Article 53(1)(a) and (b). Models placed on the market before 2 August 2025 have until 2 August 2027 (Art. 111(3)).", "Article 53.1.a et b. Les modèles mis sur le marché avant le 2 août 2025 ont jusqu’au 2 août 2027 (article 111.3).")},
	{id: "art53_copyright", role: "provider", when: CatGPAI, ref: "AI Act Art. 53(1)", date: dateGPAI, grace: dateGPAIExisting, evidence: []string{"q2.3.3"},
		title:  t("Put in place a policy to comply with EU copyright law, including rights holders’ opt-outs", "Mettre en place une politique de respect du droit d’auteur de l’Union, y compris des réserves de droits"),
		detail: t("Article 53(1)(c); respecting machine-readable opt-outs such as robots.txt when scraping is part of it.", "Article 53.1.c ; respecter les réserves lisibles par machine, comme le fichier robots.txt lors du moissonnage, en fait partie.")},
	{id: "art53_summary", role: "provider", when: CatGPAI, ref: "AI Act Art. 53(1)", date: dateGPAI, grace: dateGPAIExisting, evidence: []string{"q2.6.1"},
		title:  t("Publish a sufficiently detailed summary of the content used for training", "Publier un résumé suffisamment détaillé du contenu utilisé pour l’entraînement"),
		detail: t("Article 53(1)(d), following the AI Office’s template.", "Article 53.1.d, selon le modèle du Bureau de l’IA.")},
	{id: "art55_systemic", role: "provider", when: CatGPAISystemic, ref: "AI Act Art. 55", date: dateGPAI, grace: dateGPAIExisting, evidence: []string{"q5.1.2", "q5.4.7", "q5.5.6"},
		title:  t("Evaluate and mitigate systemic risks, report serious incidents and protect the model", "Évaluer et atténuer les risques systémiques, signaler les incidents graves et protéger le modèle"),
		detail: t("Model evaluation with adversarial testing, risk assessment and mitigation, incident reporting to the AI Office, cybersecurity.", "Évaluation du modèle avec tests adverses, évaluation et atténuation des risques, signalement des incidents au Bureau de l’IA, cybersécurité.")},
}
