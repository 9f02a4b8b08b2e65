// Word lists for the seed data: people's names across languages, places, providers and
// the texts case managers write (needs, goals, interventions, notes). Every place and
// organization is fictional.
import type {
  CrisisCategory,
  InteractionType,
  NeedDomain,
  ProviderKind,
  Setting,
} from '../generated/prisma/enums.js';

// ------------------------------------------------------------------ people

export interface Culture {
  /** BCP 47 tag stored in preferredLanguage / languages. */
  language: string;
  female: readonly string[];
  male: readonly string[];
  family: readonly string[];
}

export const CULTURES = {
  en: {
    language: 'en',
    female: ['Emma', 'Olivia', 'Ava', 'Grace', 'Chloe', 'Hannah', 'Emily', 'Madison', 'Abigail', 'Charlotte', 'Lily', 'Zoe', 'Ruby', 'Harper', 'Evelyn', 'Linda', 'Patricia', 'Barbara', 'Susan', 'Margaret', 'Dorothy', 'Carol', 'Sharon', 'Deborah', 'Jessica', 'Ashley', 'Megan', 'Brittany', 'Kayla', 'Aaliyah', 'Imani', 'Keisha', 'Tamika', 'Jasmine', 'Destiny', 'Shirley', 'Joan', 'Nancy'],
    male: ['Liam', 'Noah', 'Ethan', 'Mason', 'Logan', 'Lucas', 'Jack', 'Owen', 'Wyatt', 'Caleb', 'James', 'Robert', 'John', 'Michael', 'William', 'David', 'Richard', 'Thomas', 'Charles', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Steven', 'Kevin', 'Brian', 'Tyler', 'Cody', 'Dylan', 'Jordan', 'Jamal', 'DeShawn', 'Malik', 'Darnell', 'Terrence', 'Harold', 'Walter', 'Gerald'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Reed', 'Bailey', 'Bell', 'Cooper', 'Howard', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Bennett', 'Gray', 'Hughes', 'Price', 'Sanders', 'Myers', 'Foster', 'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', "O'Brien", 'McCarthy', 'Byrne', 'Washington', 'Jefferson', 'Greene', 'Holloway'],
  },
  es: {
    language: 'es',
    female: ['María', 'Guadalupe', 'Sofía', 'Valentina', 'Camila', 'Lucía', 'Ximena', 'Isabella', 'Rosa', 'Carmen', 'Ana', 'Daniela', 'Gabriela', 'Adriana', 'Alejandra', 'Leticia', 'Yesenia', 'Marisol', 'Esperanza', 'Beatriz'],
    male: ['José', 'Juan', 'Luis', 'Carlos', 'Jorge', 'Miguel', 'Alejandro', 'Diego', 'Javier', 'Francisco', 'Santiago', 'Mateo', 'Jesús', 'Ricardo', 'Fernando', 'Raúl', 'Héctor', 'Arturo', 'Emilio', 'Óscar'],
    family: ['García', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez', 'Torres', 'Flores', 'Rivera', 'Gómez', 'Díaz', 'Cruz', 'Morales', 'Reyes', 'Gutiérrez', 'Ortiz', 'Chávez', 'Ramos', 'Ruiz', 'Mendoza', 'Vargas', 'Castillo', 'Jiménez', 'Romero', 'Herrera', 'Medina', 'Aguilar'],
  },
  vi: {
    language: 'vi',
    female: ['Linh', 'Lan', 'Mai', 'Hương', 'Thảo', 'Ngọc', 'Trang', 'Vy', 'Anh', 'Hạnh'],
    male: ['Minh', 'Tuấn', 'Huy', 'Nam', 'Dũng', 'Khoa', 'Long', 'Phúc', 'Quang', 'Bảo'],
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'],
  },
  ar: {
    language: 'ar',
    female: ['Fatima', 'Aisha', 'Mariam', 'Layla', 'Noor', 'Huda', 'Salma', 'Yasmin', 'Rania', 'Amira'],
    male: ['Mohammed', 'Ahmed', 'Ali', 'Omar', 'Youssef', 'Hassan', 'Khalid', 'Ibrahim', 'Tariq', 'Karim'],
    family: ['Al-Sayed', 'Haddad', 'Khalil', 'Mansour', 'Nasser', 'Hamdan', 'Saleh', 'Darwish', 'Aziz', 'Qasim', 'Yousef', 'Barakat'],
  },
  so: {
    language: 'so',
    female: ['Hodan', 'Faadumo', 'Ayaan', 'Sahra', 'Hibaaq', 'Ifrah', 'Nimco', 'Ubah'],
    male: ['Abdirahman', 'Mohamed', 'Hassan', 'Yusuf', 'Abdullahi', 'Liban', 'Mahad', 'Guled'],
    family: ['Warsame', 'Abdi', 'Hussein', 'Mohamud', 'Jama', 'Osman', 'Aden', 'Egal', 'Farah', 'Nur'],
  },
  zh: {
    language: 'zh',
    female: ['Mei', 'Xiuying', 'Lina', 'Jing', 'Hui', 'Yan', 'Fang', 'Xin'],
    male: ['Wei', 'Jun', 'Hao', 'Lei', 'Jian', 'Ming', 'Tao', 'Yong'],
    family: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Lin', 'Xu'],
  },
  pl: {
    language: 'pl',
    female: ['Anna', 'Katarzyna', 'Małgorzata', 'Agnieszka', 'Zofia', 'Magdalena', 'Joanna', 'Ewa'],
    male: ['Piotr', 'Krzysztof', 'Tomasz', 'Paweł', 'Łukasz', 'Michał', 'Jakub', 'Marek'],
    family: ['Nowak', 'Wójcik', 'Kowalczyk', 'Mazur', 'Krawczyk', 'Kaczmarek', 'Zając', 'Król', 'Wieczorek', 'Pawlak', 'Sikora', 'Walczak'],
  },
  tl: {
    language: 'tl',
    female: ['Maricel', 'Rosario', 'Jocelyn', 'Lourdes', 'Angelica', 'Rowena', 'Liezl', 'Cristina'],
    male: ['Ramon', 'Rodel', 'Arnel', 'Jericho', 'Renato', 'Rogelio', 'Danilo', 'Efren'],
    family: ['Santos', 'Bautista', 'Ocampo', 'Dela Cruz', 'Villanueva', 'Aquino', 'Manalo', 'Pascual', 'Soriano', 'Tolentino'],
  },
} as const satisfies Record<string, Culture>;

export type CultureKey = keyof typeof CULTURES;

/** Share of the population by culture; some speak English at home (see seed.ts). */
export const CULTURE_WEIGHTS: readonly (readonly [CultureKey, number])[] = [
  ['en', 58],
  ['es', 20],
  ['vi', 5],
  ['ar', 4],
  ['so', 3],
  ['zh', 4],
  ['pl', 2],
  ['tl', 4],
];

// ------------------------------------------------------------------ places

export interface Region {
  name: string;
  cities: readonly string[];
  postalPrefix: string;
  latitude: number;
  longitude: number;
  areaCode: string;
}

export const REGIONS: readonly Region[] = [
  { name: 'Harbor', cities: ['Port Haven', 'Bayview', 'Seacliff'], postalPrefix: '981', latitude: 47.61, longitude: -122.33, areaCode: '206' },
  { name: 'Riverside', cities: ['Riverside', 'Millbrook', 'Fairhaven'], postalPrefix: '980', latitude: 47.49, longitude: -122.2, areaCode: '425' },
  { name: 'North Valley', cities: ['Alder Falls', 'Maple Ridge', 'Cedar Point'], postalPrefix: '982', latitude: 47.95, longitude: -122.2, areaCode: '360' },
  { name: 'Eastgate', cities: ['Eastgate', 'Stonebridge', 'Pine Hollow'], postalPrefix: '988', latitude: 47.42, longitude: -121.7, areaCode: '509' },
  { name: 'Westfield', cities: ['Westfield', 'Oak Grove', 'Willow Creek'], postalPrefix: '983', latitude: 47.25, longitude: -122.6, areaCode: '253' },
];

export const STREETS = ['Main St', 'Oak Ave', 'Cedar Ln', 'Maple Dr', 'Pine St', 'Elm St', '2nd Ave', 'Harbor Way', 'River Rd', 'Lakeview Dr', 'Hillcrest Rd', 'Park Blvd', 'Sunset Ave', 'Lincoln Ave', 'Mill Rd', 'Church St', 'Spring St', 'Bay St', 'Orchard Ln', 'Station Rd'];

// ----------------------------------------------------------- organizations

export interface OrganizationTemplate {
  key: string;
  name: string;
  setting: Setting;
  region: string;
  domain: string;
  /** Share of clients. */
  weight: number;
  teams: readonly string[];
  approvalRequiredFor: readonly ('ASSESSMENT' | 'CARE_PLAN' | 'CASE_CLOSURE' | 'CASE_TRANSFER' | 'BREAK_GLASS_REVIEW')[];
}

export const ORGANIZATIONS: readonly OrganizationTemplate[] = [
  {
    key: 'harbor',
    name: 'Harbor Community Services',
    setting: 'COMMUNITY',
    region: 'Harbor',
    domain: 'harborcs.example.org',
    weight: 24,
    teams: ['Intensive Case Management', 'Housing First', 'Family Support'],
    approvalRequiredFor: ['CARE_PLAN', 'CASE_CLOSURE', 'BREAK_GLASS_REVIEW'],
  },
  {
    key: 'riverside',
    name: 'Riverside General Hospital',
    setting: 'HOSPITAL',
    region: 'Riverside',
    domain: 'riversidegeneral.example.org',
    weight: 22,
    teams: ['Discharge Planning', 'Emergency Department Social Work', 'Psychiatry Liaison'],
    approvalRequiredFor: ['CASE_CLOSURE', 'BREAK_GLASS_REVIEW'],
  },
  {
    key: 'northside',
    name: 'Northside Unified School District',
    setting: 'SCHOOL',
    region: 'North Valley',
    domain: 'northsideusd.example.org',
    weight: 16,
    teams: ['Student Support Services', 'Special Education Coordination'],
    approvalRequiredFor: [],
  },
  {
    key: 'eastgate',
    name: 'Eastgate Correctional Facility',
    setting: 'CORRECTIONAL',
    region: 'Eastgate',
    domain: 'eastgate-cf.example.gov',
    weight: 14,
    teams: ['Reentry Planning', 'Health Services'],
    approvalRequiredFor: ['CASE_CLOSURE', 'CASE_TRANSFER', 'BREAK_GLASS_REVIEW'],
  },
  {
    key: 'valley',
    name: 'Valley Home Health Partners',
    setting: 'HOME_HEALTH',
    region: 'North Valley',
    domain: 'valleyhomehealth.example.org',
    weight: 12,
    teams: ['Home Care North', 'Home Care South'],
    approvalRequiredFor: ['CARE_PLAN'],
  },
  {
    key: 'westfield',
    name: 'Westfield Family Resource Center',
    setting: 'COMMUNITY',
    region: 'Westfield',
    domain: 'westfieldfrc.example.org',
    weight: 12,
    teams: ['Family Navigation', 'Youth and Families'],
    approvalRequiredFor: [],
  },
];

// -------------------------------------------------------------- providers

export interface ServiceTemplate {
  name: string;
  unit: string;
  /** Cost per unit range; [0, 0] for free services. */
  cost: readonly [number, number];
  waitDays: readonly [number, number];
}

export const SERVICES: Readonly<Record<ProviderKind, readonly ServiceTemplate[]>> = {
  MEDICAL: [
    { name: 'Primary care visit', unit: 'visit', cost: [90, 220], waitDays: [2, 21] },
    { name: 'Chronic disease management', unit: 'visit', cost: [110, 260], waitDays: [5, 30] },
    { name: 'Home nursing visit', unit: 'visit', cost: [120, 180], waitDays: [1, 7] },
    { name: 'Wound care', unit: 'visit', cost: [80, 150], waitDays: [1, 5] },
    { name: 'Dental clinic', unit: 'visit', cost: [60, 240], waitDays: [14, 90] },
  ],
  MENTAL_HEALTH: [
    { name: 'Psychiatric evaluation', unit: 'session', cost: [180, 350], waitDays: [7, 60] },
    { name: 'Outpatient therapy', unit: 'session', cost: [90, 170], waitDays: [7, 45] },
    { name: 'Medication management', unit: 'visit', cost: [100, 200], waitDays: [7, 30] },
    { name: 'Intensive outpatient program', unit: 'week', cost: [600, 1400], waitDays: [3, 21] },
    { name: 'Crisis stabilization', unit: 'day', cost: [450, 900], waitDays: [0, 1] },
  ],
  SUBSTANCE_USE: [
    { name: 'Medically supervised withdrawal', unit: 'day', cost: [400, 850], waitDays: [0, 7] },
    { name: 'Outpatient treatment', unit: 'session', cost: [70, 140], waitDays: [3, 21] },
    { name: 'Medication for opioid use disorder', unit: 'month', cost: [250, 500], waitDays: [0, 10] },
    { name: 'Recovery peer support', unit: 'session', cost: [0, 40], waitDays: [0, 7] },
    { name: 'Residential treatment', unit: 'day', cost: [300, 700], waitDays: [7, 60] },
  ],
  HOUSING: [
    { name: 'Emergency shelter bed', unit: 'night', cost: [0, 0], waitDays: [0, 3] },
    { name: 'Rapid rehousing', unit: 'month', cost: [800, 1600], waitDays: [14, 90] },
    { name: 'Permanent supportive housing', unit: 'month', cost: [900, 1800], waitDays: [60, 365] },
    { name: 'Rental assistance', unit: 'month', cost: [400, 1200], waitDays: [10, 60] },
    { name: 'Housing navigation', unit: 'hour', cost: [40, 80], waitDays: [2, 21] },
  ],
  EMPLOYMENT: [
    { name: 'Job readiness workshop', unit: 'session', cost: [0, 50], waitDays: [3, 21] },
    { name: 'Supported employment', unit: 'hour', cost: [45, 85], waitDays: [7, 45] },
    { name: 'Vocational training', unit: 'course', cost: [600, 3500], waitDays: [14, 90] },
    { name: 'Resume and interview coaching', unit: 'session', cost: [0, 60], waitDays: [1, 14] },
  ],
  FINANCIAL: [
    { name: 'Benefits enrollment', unit: 'session', cost: [0, 0], waitDays: [1, 14] },
    { name: 'Financial counselling', unit: 'session', cost: [0, 75], waitDays: [3, 21] },
    { name: 'Utility assistance', unit: 'application', cost: [0, 0], waitDays: [2, 30] },
    { name: 'Tax preparation', unit: 'return', cost: [0, 120], waitDays: [1, 21] },
  ],
  LEGAL: [
    { name: 'Civil legal aid consultation', unit: 'hour', cost: [0, 0], waitDays: [3, 30] },
    { name: 'Eviction defense', unit: 'case', cost: [0, 0], waitDays: [1, 10] },
    { name: 'Immigration legal services', unit: 'hour', cost: [0, 150], waitDays: [14, 90] },
    { name: 'Record expungement clinic', unit: 'case', cost: [0, 250], waitDays: [14, 60] },
  ],
  COUNSELLING: [
    { name: 'Individual counselling', unit: 'session', cost: [60, 140], waitDays: [3, 30] },
    { name: 'Family counselling', unit: 'session', cost: [80, 160], waitDays: [7, 30] },
    { name: 'Grief support group', unit: 'session', cost: [0, 25], waitDays: [0, 14] },
    { name: 'Domestic violence advocacy', unit: 'session', cost: [0, 0], waitDays: [0, 3] },
  ],
  EDUCATION: [
    { name: 'GED preparation', unit: 'course', cost: [0, 300], waitDays: [7, 45] },
    { name: 'Tutoring', unit: 'hour', cost: [25, 70], waitDays: [3, 21] },
    { name: 'English language classes', unit: 'course', cost: [0, 200], waitDays: [7, 60] },
    { name: 'Special education advocacy', unit: 'session', cost: [0, 90], waitDays: [7, 30] },
  ],
  FOOD: [
    { name: 'Food pantry', unit: 'visit', cost: [0, 0], waitDays: [0, 3] },
    { name: 'Home-delivered meals', unit: 'meal', cost: [5, 12], waitDays: [3, 21] },
    { name: 'SNAP application help', unit: 'session', cost: [0, 0], waitDays: [1, 10] },
    { name: 'Community meals', unit: 'meal', cost: [0, 0], waitDays: [0, 0] },
  ],
  TRANSPORT: [
    { name: 'Medical rides', unit: 'ride', cost: [15, 60], waitDays: [1, 7] },
    { name: 'Bus pass program', unit: 'month', cost: [0, 40], waitDays: [1, 14] },
    { name: 'Wheelchair-accessible transport', unit: 'ride', cost: [35, 95], waitDays: [2, 10] },
  ],
  CHILDCARE: [
    { name: 'Subsidized childcare', unit: 'week', cost: [80, 260], waitDays: [14, 120] },
    { name: 'After-school program', unit: 'week', cost: [0, 90], waitDays: [7, 45] },
    { name: 'Respite care', unit: 'hour', cost: [18, 40], waitDays: [3, 30] },
  ],
  OTHER: [
    { name: 'Peer support group', unit: 'session', cost: [0, 0], waitDays: [0, 7] },
    { name: 'Clothing bank', unit: 'visit', cost: [0, 0], waitDays: [0, 3] },
    { name: 'Case coordination', unit: 'hour', cost: [50, 95], waitDays: [1, 14] },
  ],
};

/** Services a provider of one kind commonly also offers. */
export const RELATED_KINDS: Readonly<Record<ProviderKind, readonly ProviderKind[]>> = {
  MEDICAL: ['TRANSPORT', 'MENTAL_HEALTH'],
  MENTAL_HEALTH: ['COUNSELLING', 'SUBSTANCE_USE'],
  SUBSTANCE_USE: ['MENTAL_HEALTH', 'COUNSELLING'],
  HOUSING: ['FINANCIAL', 'FOOD'],
  EMPLOYMENT: ['EDUCATION', 'FINANCIAL'],
  FINANCIAL: ['LEGAL', 'EMPLOYMENT'],
  LEGAL: ['FINANCIAL', 'HOUSING'],
  COUNSELLING: ['MENTAL_HEALTH', 'OTHER'],
  EDUCATION: ['EMPLOYMENT', 'CHILDCARE'],
  FOOD: ['FINANCIAL', 'OTHER'],
  TRANSPORT: ['MEDICAL', 'OTHER'],
  CHILDCARE: ['EDUCATION', 'FOOD'],
  OTHER: ['FOOD', 'COUNSELLING'],
};

/** `{place}` is replaced by a city or a local word. */
export const PROVIDER_NAMES: Readonly<Record<ProviderKind, readonly string[]>> = {
  MEDICAL: ['{place} Family Health Clinic', '{place} Community Health Center', '{place} Medical Group', 'Good Shepherd Clinic of {place}'],
  MENTAL_HEALTH: ['{place} Behavioral Health', '{place} Counseling and Wellness', 'Clearwater Mental Health of {place}'],
  SUBSTANCE_USE: ['{place} Recovery Center', 'New Path Treatment Services', '{place} Addiction Medicine'],
  HOUSING: ['{place} Housing Authority', 'Safe Harbor Shelter', '{place} Homes Alliance', 'Open Door Housing'],
  EMPLOYMENT: ['{place} WorkSource', 'Next Step Employment Services', '{place} Job Connect'],
  FINANCIAL: ['{place} Benefits Advocacy', 'Common Ground Financial Coaching', '{place} Credit Counseling'],
  LEGAL: ['{place} Legal Aid', 'Tenant Rights Project', '{place} Justice Collaborative'],
  COUNSELLING: ['{place} Counselling Collective', 'Hope and Healing Counselling', '{place} Family Services'],
  EDUCATION: ['{place} Adult Learning Center', '{place} Literacy Council', 'Bridges Tutoring'],
  FOOD: ['{place} Food Bank', 'Community Table of {place}', '{place} Meals on Wheels'],
  TRANSPORT: ['{place} Medical Rides', 'Access Transit {place}', 'Neighbor Rides'],
  CHILDCARE: ['{place} Early Learning', 'Little Harbor Childcare', '{place} Kids Club'],
  OTHER: ['{place} Community Hub', '{place} Peer Network', 'Helping Hands of {place}'],
};

export const PRACTITIONER_TITLES: Readonly<Partial<Record<ProviderKind, readonly string[]>>> = {
  MEDICAL: ['MD', 'DO', 'NP'],
  MENTAL_HEALTH: ['PsyD', 'LCSW', 'PMHNP'],
  SUBSTANCE_USE: ['LADC', 'MD'],
  COUNSELLING: ['LMFT', 'LPC', 'LCSW'],
  LEGAL: ['Esq.'],
  FINANCIAL: ['CFP'],
};

export const PLACE_WORDS = ['Cascade', 'Evergreen', 'Summit', 'Lakeside', 'Pioneer', 'Unity', 'Beacon', 'Northwind', 'Sound', 'Rainier'];

export const PAYERS = ['Medicaid', 'Medicare', 'Private insurance', 'Sliding scale', 'Self-pay', 'County funded', 'Grant funded'];

// ------------------------------------------------------------ clinical texts

/** Provider kinds that serve each need, best match first. */
export const KINDS_FOR_NEED: Readonly<Record<NeedDomain, readonly ProviderKind[]>> = {
  PHYSICAL_HEALTH: ['MEDICAL'],
  MENTAL_HEALTH: ['MENTAL_HEALTH', 'COUNSELLING'],
  SUBSTANCE_USE: ['SUBSTANCE_USE'],
  HOUSING: ['HOUSING'],
  EMPLOYMENT: ['EMPLOYMENT'],
  FINANCIAL: ['FINANCIAL'],
  FOOD: ['FOOD'],
  SOCIAL_SUPPORT: ['COUNSELLING', 'OTHER'],
  SAFETY: ['COUNSELLING', 'LEGAL'],
  LEGAL: ['LEGAL'],
  EDUCATION: ['EDUCATION', 'CHILDCARE'],
  TRANSPORTATION: ['TRANSPORT'],
};

export const NEED_NOTES: Readonly<Record<NeedDomain, readonly string[]>> = {
  PHYSICAL_HEALTH: ['Uncontrolled diabetes, missed last two primary care appointments', 'Recovering from hip fracture, limited mobility', 'COPD with frequent exacerbations', 'Hypertension, inconsistent medication adherence', 'Chronic pain limiting daily activities'],
  MENTAL_HEALTH: ['Reports low mood and poor sleep for several weeks', 'History of depression, currently untreated', 'Anxiety affecting school attendance', 'PTSD symptoms after recent trauma', 'Psychiatric follow-up needed after admission'],
  SUBSTANCE_USE: ['Daily alcohol use, wants to cut down', 'Opioid use disorder, interested in medication treatment', 'Cannabis use affecting work', 'In early recovery, needs peer support'],
  HOUSING: ['Eviction notice received this month', 'Staying with friends, no stable address', 'Overcrowded apartment, landlord threatening non-renewal', 'Currently in shelter', 'Home needs accessibility modifications'],
  EMPLOYMENT: ['Unemployed for eight months', 'Lost job after hospitalization', 'Working part time, seeking full-time work', 'No work history, needs job readiness support'],
  FINANCIAL: ['Behind on utilities', 'Benefits lapsed after missed renewal', 'No income since release', 'Medical debt in collections'],
  FOOD: ['Skips meals at end of month', 'Relies on school meals', 'No cooking facilities', 'Needs help applying for SNAP'],
  SOCIAL_SUPPORT: ['Lives alone, little contact with family', 'Caregiver experiencing burnout', 'Recently widowed', 'Isolated since moving to the area'],
  SAFETY: ['Disclosed conflict at home', 'Fall risk at home', 'Neighbourhood violence concerns', 'Safety plan needed after disclosure'],
  LEGAL: ['Pending court date', 'Probation conditions to meet', 'Immigration status questions', 'Custody proceedings ongoing'],
  EDUCATION: ['Chronic absenteeism', 'Reading below grade level', 'IEP review overdue', 'Wants to complete GED'],
  TRANSPORTATION: ['No transport to medical appointments', 'Cannot afford bus fare', 'Needs wheelchair-accessible transport', 'Lives far from services'],
};

export interface GoalTemplate {
  description: string;
  measure: string;
  target: string;
  /** Values recorded along the way, first to last. */
  steps: readonly string[];
}

export const GOALS: Readonly<Record<NeedDomain, readonly GoalTemplate[]>> = {
  PHYSICAL_HEALTH: [
    { description: 'Attend all scheduled primary care appointments', measure: 'Appointments attended (%)', target: '100', steps: ['25', '50', '75', '100'] },
    { description: 'Bring HbA1c below 8%', measure: 'HbA1c (%)', target: '8.0', steps: ['10.2', '9.4', '8.6', '7.9'] },
    { description: 'Take medications as prescribed every day', measure: 'Days adherent per week', target: '7', steps: ['3', '5', '6', '7'] },
  ],
  MENTAL_HEALTH: [
    { description: 'Engage in weekly therapy', measure: 'Sessions attended per month', target: '4', steps: ['1', '2', '3', '4'] },
    { description: 'Reduce depressive symptoms', measure: 'PHQ-9 score', target: '9', steps: ['19', '16', '12', '8'] },
    { description: 'Establish care with a psychiatric prescriber', measure: 'Prescriber visits', target: '1', steps: ['0', '0', '1'] },
  ],
  SUBSTANCE_USE: [
    { description: 'Start medication for opioid use disorder', measure: 'Weeks in treatment', target: '12', steps: ['1', '4', '8', '12'] },
    { description: 'Reduce drinking days', measure: 'Drinking days per week', target: '1', steps: ['6', '4', '2', '1'] },
    { description: 'Attend recovery support meetings', measure: 'Meetings per week', target: '3', steps: ['0', '1', '2', '3'] },
  ],
  HOUSING: [
    { description: 'Secure stable housing', measure: 'Nights in stable housing per month', target: '30', steps: ['0', '10', '22', '30'] },
    { description: 'Prevent eviction', measure: 'Rent arrears ($)', target: '0', steps: ['2400', '1600', '600', '0'] },
    { description: 'Complete housing application', measure: 'Application steps done', target: '5', steps: ['1', '3', '4', '5'] },
  ],
  EMPLOYMENT: [
    { description: 'Obtain part-time employment', measure: 'Hours worked per week', target: '20', steps: ['0', '0', '12', '20'] },
    { description: 'Complete job readiness program', measure: 'Modules completed', target: '6', steps: ['1', '3', '5', '6'] },
  ],
  FINANCIAL: [
    { description: 'Restore lapsed benefits', measure: 'Benefits active', target: 'yes', steps: ['no', 'pending', 'yes'] },
    { description: 'Set up a monthly budget', measure: 'Months on budget', target: '3', steps: ['0', '1', '2', '3'] },
  ],
  FOOD: [
    { description: 'Enroll in SNAP', measure: 'SNAP active', target: 'yes', steps: ['no', 'applied', 'yes'] },
    { description: 'Eat three meals a day', measure: 'Days with three meals per week', target: '7', steps: ['2', '4', '6', '7'] },
  ],
  SOCIAL_SUPPORT: [
    { description: 'Build a support network', measure: 'Supportive contacts per week', target: '3', steps: ['0', '1', '2', '3'] },
    { description: 'Arrange respite for caregiver', measure: 'Respite hours per month', target: '16', steps: ['0', '4', '8', '16'] },
  ],
  SAFETY: [
    { description: 'Complete and follow a safety plan', measure: 'Safety plan in place', target: 'yes', steps: ['no', 'drafted', 'yes'] },
    { description: 'Reduce fall risk at home', measure: 'Falls in last month', target: '0', steps: ['2', '1', '0'] },
  ],
  LEGAL: [
    { description: 'Meet all probation conditions', measure: 'Conditions met (%)', target: '100', steps: ['50', '75', '90', '100'] },
    { description: 'Resolve pending legal matter with counsel', measure: 'Legal counsel engaged', target: 'yes', steps: ['no', 'consulted', 'yes'] },
  ],
  EDUCATION: [
    { description: 'Improve school attendance', measure: 'Attendance rate (%)', target: '90', steps: ['62', '74', '83', '91'] },
    { description: 'Complete GED', measure: 'GED subjects passed', target: '4', steps: ['0', '1', '3', '4'] },
    { description: 'Update IEP and supports', measure: 'IEP meeting held', target: 'yes', steps: ['no', 'scheduled', 'yes'] },
  ],
  TRANSPORTATION: [
    { description: 'Arrange reliable transport to appointments', measure: 'Appointments missed for transport', target: '0', steps: ['3', '2', '1', '0'] },
  ],
};

export const INTERVENTIONS: Readonly<Record<NeedDomain, readonly string[]>> = {
  PHYSICAL_HEALTH: ['Schedule primary care follow-up', 'Medication reconciliation with pharmacist', 'Arrange home nursing visits', 'Teach-back on medication schedule'],
  MENTAL_HEALTH: ['Refer to outpatient therapy', 'Coordinate psychiatric evaluation', 'Weekly check-in calls', 'Safety planning session'],
  SUBSTANCE_USE: ['Refer to medication treatment', 'Connect with recovery peer support', 'Motivational interviewing sessions'],
  HOUSING: ['Submit housing authority application', 'Negotiate payment plan with landlord', 'Refer to rapid rehousing', 'Accompany client to shelter intake'],
  EMPLOYMENT: ['Enroll in job readiness workshop', 'Prepare resume', 'Refer to supported employment'],
  FINANCIAL: ['Help complete benefits renewal', 'Apply for utility assistance', 'Refer to financial counselling'],
  FOOD: ['Help complete SNAP application', 'Arrange home-delivered meals', 'Provide food pantry referral'],
  SOCIAL_SUPPORT: ['Connect with peer support group', 'Family meeting to plan caregiving', 'Arrange respite care'],
  SAFETY: ['Develop safety plan', 'Home safety assessment', 'Refer to domestic violence advocate'],
  LEGAL: ['Refer to legal aid', 'Coordinate with probation officer', 'Prepare documents for court date'],
  EDUCATION: ['Attendance plan with school', 'Request IEP review meeting', 'Enroll in tutoring'],
  TRANSPORTATION: ['Enroll in medical rides program', 'Provide bus pass', 'Arrange accessible transport'],
};

export const REFERRAL_REASONS: Readonly<Record<NeedDomain, readonly string[]>> = {
  PHYSICAL_HEALTH: ['Establish primary care after discharge', 'Chronic condition management', 'Home nursing for wound care'],
  MENTAL_HEALTH: ['Outpatient therapy for depression', 'Psychiatric evaluation and medication review', 'Trauma-focused counselling'],
  SUBSTANCE_USE: ['Medication for opioid use disorder', 'Outpatient alcohol treatment', 'Recovery support after withdrawal management'],
  HOUSING: ['Eviction prevention', 'Rapid rehousing after shelter stay', 'Housing navigation'],
  EMPLOYMENT: ['Job readiness and placement', 'Supported employment'],
  FINANCIAL: ['Benefits enrollment', 'Utility shut-off prevention'],
  FOOD: ['Food insecurity', 'Home-delivered meals after discharge'],
  SOCIAL_SUPPORT: ['Isolation and caregiver support', 'Grief support'],
  SAFETY: ['Domestic violence advocacy', 'Safety planning support'],
  LEGAL: ['Civil legal aid', 'Record expungement after release'],
  EDUCATION: ['Tutoring and attendance support', 'GED preparation'],
  TRANSPORTATION: ['Transport to medical appointments'],
};

export const ADVOCACY_NOTES = [
  'Called intake coordinator to explain urgency; client has an eviction date.',
  'Provider waitlist is long; asked for a cancellation slot.',
  'Negotiated sliding-scale fee with the provider.',
  'Sent discharge summary with client consent to speed up intake.',
  'Asked supervisor to escalate with provider management.',
  'Provider agreed to see client sooner given recent crisis.',
];

export const INTERACTION_SUMMARIES: Readonly<Record<InteractionType, readonly string[]>> = {
  HOME_VISIT: ['Home visit: reviewed medications and food supply; home is safe and tidy.', 'Home visit with caregiver present; discussed daily routine and respite options.', 'Home visit: client was tired but engaged; reviewed plan goals.'],
  OFFICE_VISIT: ['Office visit: reviewed progress on plan goals and upcoming appointments.', 'Met client to complete benefits paperwork.', 'Office visit: client brought housing documents; application submitted.'],
  PHONE_CALL: ['Phone call: confirmed appointment and transport.', 'Client called about a letter from the landlord; advised and scheduled visit.', 'Check-in call; client reports things are stable.'],
  VIDEO_CALL: ['Video call: reviewed week and set next steps.', 'Video check-in with client and family member.'],
  COUNSELLING_SESSION: ['Counselling session: worked on coping strategies for anxiety.', 'Session focused on grief and sleep; homework agreed.', 'Session reviewed triggers and relapse prevention.'],
  FAMILY_MEETING: ['Family meeting to agree on caregiving schedule.', 'Met with parents about attendance plan.', 'Family meeting before discharge to plan home support.'],
  CASE_CONFERENCE: ['Case conference with nurse and counsellor: agreed on revised goals.', 'Multidisciplinary review of discharge readiness.', 'Case conference on reentry plan with health services.'],
  COLLATERAL_CONTACT: ['Spoke with provider about referral status.', 'Called school counsellor for attendance update.', 'Spoke with landlord about payment plan.'],
  MESSAGE: ['Sent reminder of appointment by text.', 'Message from client asking to reschedule; rescheduled.', 'Sent list of food pantries and hours.'],
  OUTREACH_ATTEMPT: ['Outreach attempt: no answer, left voicemail.', 'Outreach attempt at home address; client not present, left card.', 'Tried to reach client by phone; number disconnected.'],
};

export const RESTRICTED_SUMMARIES = {
  MENTAL_HEALTH: ['Client disclosed passive suicidal thoughts; safety plan reviewed.', 'Discussed psychiatric medication side effects and adherence.'],
  SUBSTANCE_USE: ['Client disclosed relapse last weekend; discussed treatment options.', 'Reviewed urine screen results with client.'],
  HIV: ['Discussed HIV care engagement and viral load results.'],
  CRIMINAL_JUSTICE: ['Reviewed probation conditions and upcoming hearing.'],
  REPRODUCTIVE_HEALTH: ['Discussed prenatal care appointments.'],
  GENERAL: ['Client disclosed past abuse; offered counselling referral.'],
  EDUCATION: ['Reviewed IEP evaluation results with parent.'],
} as const;

export interface CrisisText {
  description: string;
  assessment: string;
  response: string;
  actions: readonly string[];
  resolution: string;
}

export const CRISES: Readonly<Record<CrisisCategory, CrisisText>> = {
  SUICIDE_RISK: {
    description: 'Client told counsellor they have thought about ending their life this week.',
    assessment: 'C-SSRS screen positive; ideation with plan, no recent attempt.',
    response: 'Same-day psychiatric evaluation; means restriction with family; daily check-ins.',
    actions: ['Called client and stayed on the line', 'Mobile crisis team dispatched', 'Family contacted to remove means', 'Psychiatric evaluation arranged'],
    resolution: 'Evaluated, started outpatient treatment with safety plan in place.',
  },
  SELF_HARM: {
    description: 'School nurse found fresh self-inflicted cuts.',
    assessment: 'Non-suicidal self-injury; wounds superficial; distress high.',
    response: 'Wound care, parent meeting, counselling referral within 48 hours.',
    actions: ['Nurse treated wounds', 'Parent called in', 'Counselling appointment booked'],
    resolution: 'Engaged in weekly counselling; no further incidents reported.',
  },
  VIOLENCE_RISK: {
    description: 'Client threatened a neighbour during an argument.',
    assessment: 'Risk of harm to others moderate; no weapon access reported.',
    response: 'De-escalation, psychiatric review, neighbour mediation.',
    actions: ['De-escalation call', 'Psychiatric review requested', 'Mediation offered'],
    resolution: 'Tension resolved through mediation; medication adjusted.',
  },
  ABUSE_NEGLECT: {
    description: 'Home visit found client without food and unable to care for self; caregiver absent.',
    assessment: 'Signs of neglect; client at risk without daily support.',
    response: 'Adult protective services report; emergency in-home care.',
    actions: ['Adult protective services notified', 'Emergency in-home care arranged', 'Family meeting held'],
    resolution: 'New caregiver in place; protective services case opened.',
  },
  MEDICAL_EMERGENCY: {
    description: 'Client found short of breath during home visit.',
    assessment: 'Acute exacerbation; emergency department needed.',
    response: '911 called; hospital notified; family informed.',
    actions: ['Called 911', 'Accompanied client to emergency department', 'Family informed'],
    resolution: 'Admitted and treated; discharge plan includes home nursing.',
  },
  MENTAL_HEALTH: {
    description: 'Client acutely distressed and disorganised at office visit.',
    assessment: 'Possible psychotic decompensation; off medication two weeks.',
    response: 'Crisis stabilization referral; prescriber contacted.',
    actions: ['Crisis line consulted', 'Prescriber contacted', 'Crisis stabilization bed found'],
    resolution: 'Stabilized on medication; back in outpatient care.',
  },
  SUBSTANCE_OVERDOSE: {
    description: 'Family reported client overdosed; naloxone given by family.',
    assessment: 'Opioid overdose reversed; high risk of recurrence.',
    response: 'Emergency department follow-up, medication treatment offer, naloxone kit.',
    actions: ['Confirmed client safe at hospital', 'Naloxone kit provided to family', 'Warm handoff to treatment program'],
    resolution: 'Started medication treatment; family trained on naloxone.',
  },
  HOUSING_LOSS: {
    description: 'Client locked out by landlord; nowhere to stay tonight.',
    assessment: 'Imminent homelessness; medical needs make street stay unsafe.',
    response: 'Emergency shelter placement; legal aid for illegal lockout.',
    actions: ['Emergency shelter bed secured', 'Legal aid contacted', 'Belongings retrieval arranged'],
    resolution: 'Moved into rapid rehousing unit.',
  },
  FINANCIAL_EMERGENCY: {
    description: 'Power shut-off notice; client uses home oxygen.',
    assessment: 'Medical equipment depends on power; shut-off in 48 hours.',
    response: 'Medical certificate to utility; emergency utility assistance.',
    actions: ['Medical certificate faxed to utility', 'Emergency assistance application filed'],
    resolution: 'Shut-off cancelled; payment plan agreed.',
  },
  MISSING_PERSON: {
    description: 'Client did not return home; family cannot reach them.',
    assessment: 'Vulnerable adult with memory impairment; missing over 12 hours.',
    response: 'Police report; hospitals and shelters called.',
    actions: ['Police report filed', 'Hospitals and shelters called', 'Family updated'],
    resolution: 'Client found safe; supervision plan updated.',
  },
  OTHER: {
    description: 'Fire in apartment building; client displaced.',
    assessment: 'Temporary displacement; medications lost.',
    response: 'Red Cross shelter; emergency prescription refill.',
    actions: ['Shelter arranged', 'Pharmacy contacted for emergency refill'],
    resolution: 'Returned home after repairs.',
  },
};

export const CASE_SUMMARIES: Readonly<Record<Setting, readonly string[]>> = {
  HOSPITAL: ['Discharge planning after cardiac admission', 'Frequent emergency department use', 'Post-surgical recovery and home support', 'Inpatient psychiatric stay, discharge coordination'],
  SCHOOL: ['Attendance and behaviour support', 'Special education coordination', 'Family stress affecting school', 'Student referred by teacher for wellbeing concerns'],
  CORRECTIONAL: ['Reentry planning ahead of release', 'Health services coordination in custody', 'Post-release housing and employment', 'Substance use treatment continuity after release'],
  COMMUNITY: ['Housing instability and benefits', 'Intensive case management', 'Family support and parenting', 'Chronic illness and isolation'],
  HOME_HEALTH: ['Home care after hospital discharge', 'Chronic disease management at home', 'Caregiver support and respite', 'Fall prevention and mobility'],
  OTHER: ['General case management'],
};

export const PLAN_TITLES: Readonly<Record<Setting, string>> = {
  HOSPITAL: 'Discharge and recovery plan',
  SCHOOL: 'Student success plan',
  CORRECTIONAL: 'Reentry plan',
  COMMUNITY: 'Service plan',
  HOME_HEALTH: 'Home care plan',
  OTHER: 'Service plan',
};

export const CLOSURE_REASONS = ['Goals achieved', 'Client moved out of area', 'Client declined further services', 'Transferred to another agency', 'Lost to contact'];

export const REVIEW_SUMMARIES = {
  CONTINUE: ['Progress on track; continue current plan.', 'Steady progress; no changes needed.'],
  REVISE: ['Housing goal revised after new eviction notice.', 'Added goal after reassessment; adjusted timelines.'],
  ESCALATE: ['Little progress and rising risk; escalated to supervisor.', 'Client disengaged; escalating for case conference.'],
  CLOSE: ['Goals met; plan closed with client agreement.', 'Plan closed at discharge.'],
} as const;

export const TASKS = {
  HANDOFF: ['Hand off case notes to covering case manager', 'Brief new care team member'],
  FORM: ['Complete Medicaid renewal form', 'Submit housing application', 'Complete release of information form', 'File quarterly outcome report'],
  CALL_BACK: ['Call back client about appointment', 'Return call from landlord', 'Call provider about referral status'],
  REASSESSMENT: ['Reassess after follow-up reported decline'],
  PLAN_REVIEW: ['Plan review is due'],
  OTHER: ['Arrange interpreter for next visit', 'Update emergency contacts', 'Collect signed consent'],
} as const;
